"""Prospection reports: one builder per kind of node, registered in :data:`BUILDERS`.

To add a report type: write ``build_x(ctx, key, contacts) -> Report`` in a module of this
package and register it below for the node kinds it serves.
"""

from __future__ import annotations

from collections.abc import Callable

from graph.labels import kind_label
from graph.model import NodeKind
from service.context import Context, NotFound
from service.reports.actor import build_actor
from service.reports.network import NETWORK_KEY, build_network
from service.reports.observatory import OBSERVATORY_KEY, build_observatory
from service.reports.places import build_country, build_territorial
from service.reports.project import build_project
from service.reports.theme import build_theme
from viz.report import Report

Builder = Callable[[Context, str, bool], Report]

BUILDERS: dict[NodeKind, Builder] = {
    NodeKind.COMMUNE: build_actor, NodeKind.REGION: build_actor,
    NodeKind.ORGANISATION: build_actor,
    NodeKind.DEPARTEMENT: build_territorial, NodeKind.EPCI: build_territorial,
    NodeKind.COUNTRY: build_country, NodeKind.TERRITORY: build_country,
    NodeKind.THEME: build_theme, NodeKind.PROGRAMME: build_theme, NodeKind.ODD: build_theme,
    NodeKind.PROJECT: build_project,
}


def build(ctx: Context, key: str, contacts: bool = False) -> Report:
    """The report a key asks for: a collectivité or organisation, a département or EPCI
    (territorial prospection), a country or foreign territory, a theme, ODD or programme, a
    project,
    ``reseau`` for the network overview, or ``observatoire[:AAAA]`` for the year's
    changes. Personal contact details only with
    ``contacts``."""
    if key == NETWORK_KEY:
        return build_network(ctx, key, contacts)
    if key.split(":")[0] == OBSERVATORY_KEY:
        return build_observatory(ctx, key, contacts)
    graph = ctx.graph()
    if key not in graph:
        raise NotFound(f"nœud inconnu : {key}")
    kind = NodeKind(str(graph.nodes[key]["kind"]))
    builder = BUILDERS.get(kind)
    if builder is None:
        raise NotFound(f"pas de rapport pour un nœud de type « {kind_label(kind.value)} »")
    return builder(ctx, key, contacts)


__all__ = ["BUILDERS", "NETWORK_KEY", "OBSERVATORY_KEY", "build"]
