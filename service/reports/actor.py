"""The report on one collectivité or organisation (fiche collectivité)."""

from __future__ import annotations

import re
from collections import defaultdict

from graph.evidence import Evidence
from graph.focus import Focus
from graph.labels import PROPERTY_LABELS, property_value, relation_label
from graph.model import (
    COLLECTIVITE_KINDS,
    PERSONAL_MARK,
    NodeKind,
    RelType,
    personal_properties,
)
from graph.opportunities import Suggestion
from service import analysis, crm, views
from service.actors import profile
from service.context import Context
from service.reports.common import meta, thousands
from service.schemas import Profile, RelationPublic
from viz.charts import network_picture
from viz.report import Line, Report, Section

IDENTITY = ("insee", "siren", "population", "basin", "departement", "epci", "acronym",
            "category", "description", "function")
#: Relations that place an actor in French geography: not international action.
GEOGRAPHY_KINDS = {NodeKind.EPCI, NodeKind.DEPARTEMENT, NodeKind.REGION}


def _identity(ctx: Context, found: Profile, contacts: bool) -> Section:
    section = Section("Identité")
    for prop in IDENTITY:
        label = PROPERTY_LABELS[prop]
        value = found.actor.props.get(prop)
        if value in (None, "", []):
            continue
        if prop == "epci":
            value = f"{ctx.name(f'epci:{value}')} (epci:{value})"
        elif prop == "departement":
            value = f"{ctx.name(f'departement:{value}')} ({value})"
        elif prop == "population" and isinstance(value, int):
            value = thousands(value) + " habitants"
        section.lines.append(Line(f"{label} : {property_value(prop, value)}"))
    if contacts:  # asked for: every personal property the model marks, by its label
        props = found.actor.props
        for prop in sorted(personal_properties(found.actor.kind, props) - {PERSONAL_MARK}):
            section.lines.append(Line(f"{PROPERTY_LABELS.get(prop, prop)} : {props[prop]}"))
    section.lines.append(Line("fiche de référence", found.actor.source))
    return section


def _action(ctx: Context, found: Profile, ev: Evidence | None, sources: list[str]) -> Section:
    graph = ctx.graph()
    section = Section("Action internationale",
                      "Relations connues, groupées par pays, avec leur période et leur source.")
    # one line per partner and kind of relation, with every period and source that attest
    # it (two pages on one twinning are one twinning, cited twice)
    by_country: dict[str, dict[tuple[str, bool, str], list[RelationPublic]]] = defaultdict(dict)
    for type_, relations in found.relations.items():
        if type_ in (RelType.LOCATED_IN, RelType.ADDRESSES):
            continue
        for r in relations:
            # a commune's membership of its EPCI is its identity, not its action; an
            # organisation's members, a joint agreement with a département, are
            if type_ == RelType.MEMBER_OF and r.other.kind in GEOGRAPHY_KINDS and \
                    found.actor.kind in COLLECTIVITE_KINDS:
                continue
            country = graph.nodes[r.other.key].get("country") if r.other.key in graph else None
            group = ctx.name(f"country:{country}") if country else (
                r.other.name if r.other.kind == NodeKind.COUNTRY
                else "Réseaux, programmes, partenaires")
            by_country[group].setdefault((type_, r.outgoing, r.other.key), []).append(r)
            sources.append(r.source)
    for group in sorted(by_country):
        section.table.append([group, str(len(by_country[group]))])
        section.lines.append(Line(group, heading=True))
        for (type_, outgoing, _), facts in by_country[group].items():
            periods = sorted(dict.fromkeys(part.strip() for r in facts if r.period
                                           for part in r.period.split(";") if part.strip()),
                             key=_first_year)
            section.lines.append(Line.cited(
                f"{relation_label(type_, outgoing)} : {facts[0].other.name}"
                + (f" ({' ; '.join(periods)})" if periods else ""), [r.source for r in facts]))
    if section.table:
        section.table.insert(0, ["pays ou cadre", "relations"])
    else:
        section.intro = ("Aucune action internationale connue pour l'instant : une cible de "
                         "prospection.")
    themes = sorted(ctx.name(t) for t in (ev.items["theme"] if ev else {}))
    if themes:
        section.intro += " Thèmes : " + ", ".join(themes) + "."
    return section


def _first_year(period: str) -> int:
    """Periods in time order: by the first year they state (none: last).

    >>> sorted(["2020-2021", "2010-2012", "depuis 2013", "en cours"], key=_first_year)
    ['2010-2012', 'depuis 2013', '2020-2021', 'en cours']
    """
    found = re.search(r"\b(1[89]|20)\d\d\b", period)
    return int(found.group()) if found else 10_000


def _place(ctx: Context, key: str) -> Section:
    shown = views.around(ctx, key, 1)
    return Section("Place dans le réseau", f"{len(shown.nodes) - 1} voisins directs dans le "
                   "graphe.", svg=network_picture([n.model_dump() for n in shown.nodes],
                                                  [e.model_dump() for e in shown.edges]))


def _same_partners(found: Profile) -> Section:
    section = Section("Ailleurs en France, avec les mêmes partenaires",
                      "Les autres collectivités françaises liées aux mêmes collectivités "
                      "étrangères (sources : faits fournis, Wikidata P190) : des expériences à "
                      "partager, des partenaires pour un projet commun.")
    for shared in found.same_partners:
        names = [a.name + (" (hors région)" if a.outside_region else "") for a in shared.actors]
        section.lines.append(Line(f"{shared.partner.name} : " + ", ".join(names[:12])
                                  + (f" et {len(names) - 12} autres" if len(names) > 12 else "")))
    if not found.same_partners:
        section.intro = "Aucune autre collectivité française connue avec ces partenaires."
    return section


def _partners(suggestions: list[Suggestion]) -> Section:
    section = Section("Partenaires recommandés",
                      "Acteurs avec qui travailler, et pourquoi (indices partagés, pondérés "
                      "par leur rareté).")
    for s in suggestions:
        reasons = " ; ".join(r.text for r in s.reasons[:3])
        source = next((src for r in s.reasons for src in r.sources), None)
        section.lines.append(Line(f"{s.name} ({s.actor}) — {reasons}", source))
    if not suggestions:
        section.intro = "Pas encore assez d'indices pour recommander des partenaires."
    return section


def _consortia(ctx: Context, key: str, ev: Evidence | None) -> Section:
    """In each of the actor's main countries, a consortium that takes the actor in (led by
    the most experienced there), with the funding that fits *that* consortium."""
    section = Section("Consortiums possibles et financements")
    countries = sorted(ev.items["country"], key=lambda c: (-len(ev.items["country"][c]), c)
                       )[:3] if ev else []
    for country in countries:
        found = analysis.consortia(ctx, Focus(countries=[country]), 1, including=key)
        if not found:
            continue
        c, where = found[0], ctx.name(country)
        members = ", ".join(m.name for m in c.members)
        section.lines.append(Line(f"{where} : chef de file {c.lead.name} ; "
                                  f"membres : {members}. {' ; '.join(c.complementarity)}."))
        section.lines += [Line(f"{where} — financement ou partenaire : {f.name} ({f.why})")
                          for f in c.funding]
    if not section.lines:
        section.intro = "Aucun consortium proposé pour l'instant."
    return section


def _steps(ctx: Context, key: str, ev: Evidence | None,
           suggestions: list[Suggestion]) -> Section:
    section = Section("Prochaines étapes suggérées")
    for gap in analysis.gaps(ctx):
        for item in gap.items:
            if item.advice and item.concerns(key):
                section.lines.append(Line(item.advice, item.sources[0] if item.sources else None))
    if suggestions:
        section.lines.append(Line(f"Proposer un échange avec {suggestions[0].name}."))
    if not ev:
        section.lines.append(Line("Présenter le réseau et ses dispositifs (Plateforme AECT, "
                                  "appels de la DCTCIV, 1 % solidaire)."))
    return section


def _followup(ctx: Context, key: str, contacts: bool) -> Section:
    """What the network itself recorded: exchanges, working groups, applications."""
    found = crm.followup(ctx, key, personal=contacts)
    section = Section("Suivi du réseau", "Ce que le réseau a noté dans Maillage (échanges, "
                      "groupes de travail, demandes de financement).")
    for i in found.interactions[:10]:
        step = ""
        if i.next_step:
            step = f" — prochaine étape : {i.next_step}" + (f" (pour le {i.due})" if i.due else "")
            step += " — fait" if i.done else (" — à relancer" if i.overdue else "")
        section.lines.append(Line(f"{i.date}, {i.mode} : {i.topic}{step}"))
    section.lines += [Line(f"Membre du groupe « {g.name} »") for g in found.groups]
    section.lines += [Line(f"Demande « {a.name} » : {a.status_label}") for a in found.applications]
    if not section.lines:
        section.lines.append(Line("Rien de noté pour l'instant."))
    return section


def build_actor(ctx: Context, key: str, contacts: bool = False) -> Report:
    """Identity, international action by country, place in the network, recommended
    partners, possible consortia and funding, next steps."""
    found = profile(ctx, key, personal=contacts)
    ev = ctx.index().by_actor.get(key)
    sources: list[str] = []
    suggestions = analysis.suggestions(ctx, key, 5)
    sections = [_identity(ctx, found, contacts), _action(ctx, found, ev, sources),
                _place(ctx, key), _same_partners(found), _partners(suggestions),
                _consortia(ctx, key, ev), _followup(ctx, key, contacts),
                _steps(ctx, key, ev, suggestions)]
    data_date, licences = meta(ctx, sources)
    title = "Fiche organisation" if found.actor.kind == NodeKind.ORGANISATION \
        else "Fiche collectivité"
    return Report("acteur", key, f"{title} : {found.actor.name}", key, sections, data_date,
                  licences)
