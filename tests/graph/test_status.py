"""Periods and status on the bundled facts: a pair is judged on all its relations, an end
is recorded only when the source says it, and nothing recent is called stale."""

from __future__ import annotations

from datetime import date

import networkx as nx
import pytest

from graph.evidence import build_index
from graph.gaps import STALE_YEARS, GapContext, stale_relations
from graph.model import NodeKind
from graph.status import RECENT_YEARS, Status, pair_statuses

YEAR = date.today().year


@pytest.fixture
def graph(real_graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    return real_graph


def pair(graph: nx.MultiDiGraph, actor: str, partner: str) -> Status:
    found = [p for p in pair_statuses(graph, YEAR) if (p.actor, p.partner) == (actor, partner)]
    assert len(found) == 1
    return found[0].status


def test_moundou_is_active_and_not_stale(graph: nx.MultiDiGraph) -> None:
    # a 1990 twinning and a 2025 tripartite agreement: the pair is judged on the latest
    assert pair(graph, "commune:86194", "territory:td-moundou") == Status.ACTIVE
    stale = stale_relations(GapContext(graph, build_index(graph), YEAR)).items
    assert not [i for i in stale if i.actor == "commune:86194" and "Moundou" in i.detail]


def test_an_end_is_recorded_only_when_the_source_says_it(graph: nx.MultiDiGraph) -> None:
    cerizay = [d for _, v, d in graph.out_edges("commune:79062", data=True)
               if v == "territory:tg-badou"]
    assert cerizay and cerizay[0]["ended"] == 2007  # « arrêté depuis 2007 »
    assert pair(graph, "commune:79062", "territory:tg-badou") == Status.ENDED
    # « 1990-1991 »: a charter signed in two steps, not the end of the twinning
    gueret = [d for _, v, d in graph.out_edges("commune:23096", data=True)
              if v == "territory:de-stein"]
    assert gueret and "ended" not in gueret[0]
    assert pair(graph, "commune:23096", "territory:de-stein") == Status.UNKNOWN


def test_nothing_recent_is_called_stale(graph: nx.MultiDiGraph) -> None:
    items = stale_relations(GapContext(graph, build_index(graph), YEAR)).items
    assert items
    relaunch = [i for i in items if i.advice.startswith("Relancer")]
    assert relaunch and all(YEAR - (i.last_year or 0) >= STALE_YEARS for i in relaunch)
    # every relation of a listed pair is old: no attestation of the last 5 years
    for item in relaunch:
        partner = item.key.split(">")[1].split("#")[0]
        years = [y for _, v, d in graph.out_edges(item.actor, data=True) if v == partner
                 for y in d.get("years") or []]
        assert max(years) <= YEAR - RECENT_YEARS, item.key


def test_one_territory_per_place(graph: nx.MultiDiGraph) -> None:
    marburg = [k for k, d in graph.nodes(data=True)
               if d.get("kind") == NodeKind.TERRITORY and k.startswith("territory:de-marburg")]
    assert marburg == ["territory:de-marburg"]
    assert graph.nodes["territory:de-marburg"]["aliases"] == ["Marbourg"]
    twins = {d.get("period") for u, v, d in graph.in_edges("territory:de-marburg", data=True)
             if u == "commune:86194"}
    assert twins == {"1961", "1961; 2023"}  # both sources, on the one place
    assert pair(graph, "commune:86194", "territory:de-marburg") == Status.ACTIVE


def test_an_ended_twinning_is_not_a_current_engagement(graph: nx.MultiDiGraph) -> None:
    index = build_index(graph, YEAR)
    cerizay = index.by_actor.get("commune:79062")
    assert cerizay is None or "territory:tg-badou" not in cerizay.items["territory"]
    # the same relation counted when the index is read as of before its end
    assert "territory:tg-badou" in build_index(graph, 2006).by_actor["commune:79062"].items[
        "territory"]


def test_canonical_places_and_no_exact_duplicates(graph: nx.MultiDiGraph) -> None:
    from graph.model import slugify
    from ingest.text import foreign_slug

    places = {k: d for k, d in graph.nodes(data=True) if d.get("kind") == NodeKind.TERRITORY}
    # the exonym–endonym pairs the sources give as « Exonyme (Endonyme) », one node each
    merged = {k: d["aliases"] for k, d in places.items() if d.get("aliases")}
    assert {"territory:cz-plzen": ["Pilsen"], "territory:de-coburg": ["Cobourg"],
            "territory:de-marburg": ["Marbourg"], "territory:de-munchen": ["Munich"],
            "territory:es-zaragoza": ["Saragosse"]}.items() <= merged.items()
    # and the other names rows give a place: « Ville de Banfora » (na_relations.csv:86),
    # « Banfora (province de la Comoé) » (:226); never a mere variant of its name
    assert merged["territory:bf-banfora"] == ["Banfora"]
    assert all(slugify(a) != slugify(str(places[k]["name"]))
               for k, names in merged.items() for a in names)
    cores: dict[tuple[object, str], list[dict[str, object]]] = {}
    for d in places.values():
        cores.setdefault((d.get("country"), foreign_slug(str(d["name"]))[0]), []).append(d)
    # one name, two places only when the source places them apart (Halle an der Saale and
    # Halle in Westfalen, from Wikidata's coordinates); never a place without coordinates
    homonyms = [same for same in cores.values() if len(same) > 1]
    assert all(d.get("lat") is not None for same in homonyms for d in same), homonyms
    assert ("DE", "halle") in {k for k, same in cores.items() if len(same) == 2}


def test_no_first_suggestion_is_a_partner_already(graph: nx.MultiDiGraph) -> None:
    from graph.model import COLLECTIVITE_KINDS
    from graph.opportunities import suggest_partners

    index = build_index(graph, YEAR)
    actors = sorted(a for a in index.by_actor if graph.nodes[a]["kind"] in COLLECTIVITE_KINDS)
    for actor in actors:
        found = suggest_partners(graph, actor, 3, index)
        assert found, actor  # never an empty list while other collectivités act
        first, ev = index.by_actor[found[0].actor], index.by_actor[actor]
        assert not ev.projects & first.projects and found[0].actor not in ev.allies, actor
        assert all(s.reasons for s in found)
    # a collectivité with no known action still gets suggestions, each with a reason
    cold = suggest_partners(graph, "commune:23130", 5, index)
    assert len(cold) == 5 and all(s.reasons for s in cold)
