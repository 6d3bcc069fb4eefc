"""The observatory report: the year's changes for the network's annual activity report."""

from __future__ import annotations

from datetime import date

from service import observatory
from service.context import Context, NotFound
from service.reports.common import meta
from viz.charts import bars
from viz.report import Line, Report, Section

OBSERVATORY_KEY = "observatoire"


def year_of(key: str) -> int | None:
    """``observatoire`` (this year) or ``observatoire:2025``."""
    _, _, raw = key.partition(":")
    if raw and not (raw.isdigit() and len(raw) == 4):
        raise NotFound(f"année invalide dans « {key} » (attendu : observatoire:AAAA)")
    return int(raw) if raw else None


def build_observatory(ctx: Context, key: str = OBSERVATORY_KEY, contacts: bool = False) -> Report:
    view = observatory.observatory(ctx, year_of(key))
    y = view.year
    figures = {f.year: f for f in view.years}
    now, before = figures[y], figures.get(y - 1)

    def delta(a: int, b: int | None) -> str:
        return "" if b is None else f" ({a - b:+d} sur {y - 1})"

    summary = Section(f"L'année {y} en bref", lines=[
        Line(f"{now.relations} relations internationales datées par les sources"
             + delta(now.relations, before.relations if before else None)),
        Line(f"{now.collectivites} collectivités engagées"
             + delta(now.collectivites, before.collectivites if before else None)),
        Line(f"{now.countries} pays" + delta(now.countries, before.countries if before else None)),
    ], svg=observatory.chart(view))

    def facts(title: str, changes: list[observatory.Change], empty: str) -> Section:
        return Section(title, lines=[Line(f"{c.actor.name} — {c.partner.name}") for c in changes]
                       or [Line(empty)])

    engaged = Section("Collectivités nouvellement engagées",
                      lines=[Line(r.name) for r in view.newly_engaged]
                      or [Line("aucune dans les sources datées")])
    deps = Section("Par département et par thème", svg=bars(
        f"Collectivités engagées en {y}, par département",
        [(k, float(v)) for k, v in view.by_departement.items()]) + bars(
        f"Relations datées de {y}, par thème cité", [(k, float(v)) for k, v in
                                                    list(view.by_theme.items())[:12]]))
    network = Section("Vie du réseau", lines=[
        Line(f"{sum(view.interactions.values())} échange(s) noté(s) en {y}"
             + (" : " + ", ".join(f"{n} {m}" for m, n in view.interactions.items())
                if view.interactions else "")),
        Line(f"{view.groups} groupe(s) de travail")])
    money = Section("Demandes de financement", table=[["demande", "statut", "demandé", "accordé"]]
                    + [[a.name, a.status_label, _euros(a.amount_requested),
                        _euros(a.amount_granted)]
                       for items in view.applications.values() for a in items])
    if len(money.table) == 1:  # no empty table under the heading: a sentence says it
        money.table = []
        money.lines.append(Line(f"aucune demande suivie en {y}"))
    method = Section("Méthode", (
        "Une relation compte pour chaque année que ses sources couvrent : de sa première à sa "
        "dernière année attestée, jusqu'à cette année si une source dit qu'elle continue. "
        f"{view.undated} relation(s) dont aucune source ne donne l'année (des listes de "
        "jumelages, par exemple) ne comptent dans aucune année. Échanges et demandes : ce "
        "que le réseau a noté dans Maillage."))
    data_date, licences = meta(ctx, [])
    return Report("observatoire", key, f"Observatoire {y}", view.region,
                  [summary, facts("Nouveaux partenariats", view.started,
                                  "aucun dans les sources datées"),
                   facts("Partenariats arrêtés", view.ended, "aucun selon les sources"),
                   engaged, deps, network, money, method],
                  data_date or date.today().isoformat(), licences)


def _euros(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} €".replace(",", " ")
