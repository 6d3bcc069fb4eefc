"""A project sheet: what it is, who carries it (with their roles), where and on what, who
funds it; each fact with its sources. What to show a funder."""

from __future__ import annotations

from graph.labels import PROPERTY_LABELS, ROLE_LABELS, kind_label, property_value, relation_label
from graph.model import RelType
from service.actors import profile
from service.context import Context
from service.reports.common import meta
from viz.report import Line, Report, Section

#: what the sheet says of the project itself, in this order
ABOUT = ("description", "status", "since", "until", "budget")


def build_project(ctx: Context, key: str, contacts: bool = False) -> Report:
    found = profile(ctx, key, personal=contacts)
    about = Section("Le projet", lines=[
        Line(f"{PROPERTY_LABELS.get(prop, prop)} : {property_value(prop, found.actor.props[prop])}")
        for prop in ABOUT if found.actor.props.get(prop) not in (None, "", [])])
    about.lines.append(Line("fiche", found.actor.source))
    carriers = Section("Qui le porte")
    places = Section("Où et sur quoi")
    funding = Section("Financement")
    sources: list[str] = []
    for type_, relations in sorted(found.relations.items()):
        for r in relations:
            sources.append(r.source)
            period = f" ({r.period})" if r.period else ""
            if type_ == RelType.PARTICIPATES_IN and not r.outgoing:
                role = ROLE_LABELS.get(str(r.props.get("role")), "participant")
                carriers.lines.append(Line(f"{r.other.name} — {role}{period}", r.source))
            elif type_ in (RelType.TAKES_PLACE_IN, RelType.ADDRESSES):
                places.lines.append(Line(f"{kind_label(r.other.kind)} : {r.other.name}",
                                         r.source))
            else:
                target = funding if type_ == RelType.FUNDED_BY else carriers
                target.lines.append(Line(f"{relation_label(type_, r.outgoing)} : "
                                         f"{r.other.name}{period}", r.source))
    for section, empty in ((carriers, "Aucun porteur connu dans les données de Maillage."),
                           (places, "Ni lieu ni thème connus."),
                           (funding, "Aucun financeur connu dans les données de Maillage.")):
        if not section.lines:
            section.intro = empty
    data_date, licences = meta(ctx, sources)
    return Report("projet", key, f"Fiche projet : {found.actor.name}", key,
                  [about, carriers, places, funding], data_date, licences)
