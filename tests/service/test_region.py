"""One store of all France, any home région: with ``MAILLAGE_REGION=53`` (Bretagne) the
selectors, gaps, maps, reports and consortia are Bretagne's, with no Nouvelle-Aquitaine
wording (save where a rule says its data exists only there)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.evidence import in_region
from graph.sqlite_store import SqliteStore
from service import analysis, views
from service.actors import country, profile
from service.context import Context
from service.reports import NETWORK_KEY, build
from service.settings import Settings
from viz.report import to_markdown

#: the one sentence allowed to name the bundled région: where a rule's data stops
WATER_LIMIT = "n'est connu de Maillage que pour la Nouvelle-Aquitaine"


@pytest.fixture(scope="module")
def bretagne(reference_db: Path) -> Context:
    store = SqliteStore(reference_db)
    return Context(store, Settings(store=f"sqlite:///{reference_db}", region="53"))


@pytest.fixture(scope="module")
def home(reference_db: Path) -> Context:
    store = SqliteStore(reference_db)
    return Context(store, Settings(store=f"sqlite:///{reference_db}"))


def test_selectors_and_maps_are_the_home_regions(bretagne: Context, home: Context) -> None:
    vocabulary = views.vocabulary(bretagne)
    assert vocabulary["region"]["name"] == "Bretagne"
    assert [d["key"] for d in vocabulary["departements"]] == [
        "departement:22", "departement:29", "departement:35", "departement:56"]
    assert len(views.vocabulary(home)["departements"]) == 12
    # no shapes for Bretagne: an empty map that says why, not Nouvelle-Aquitaine's
    region_map = views.region_map(bretagne, "departements")
    assert region_map["features"] == [] and "Bretagne" in region_map["source"]
    assert len(views.region_map(home, "departements")["features"]) == 12
    world = views.world_map(bretagne)
    germany = next(f for f in world["features"] if f["key"] == "country:DE")
    assert 0 < germany["actors"] < germany["france"]


def test_analyses_stay_in_the_home_region(bretagne: Context) -> None:
    graph = bretagne.graph()
    index = bretagne.index()
    assert index.by_actor and all(in_region(graph, a, "53") for a in index.by_actor)
    assert "commune:35238" in index.by_actor  # Rennes, from Wikidata's twinnings
    gaps = analysis.gaps(bretagne)
    for gap in gaps:
        text = " ".join([gap.explanation, *(str(i.detail or "") for i in gap.items)])
        assert "Nouvelle-Aquitaine" not in text.replace(WATER_LIMIT, ""), gap.rule
    zones = next(g for g in gaps if g.rule == "zones-blanches")
    assert zones.items and all(in_region(graph, i.key, "53") for i in zones.items)
    focus = analysis.focus(bretagne, analysis.FocusQuery(countries=("DE",)))
    found = analysis.consortia(bretagne, focus, 3)
    assert found and all(not m.outside_region and in_region(graph, m.actor, "53")
                         for c in found for m in [c.lead, *c.members])


def test_reports_speak_of_the_home_region(bretagne: Context) -> None:
    for key in (NETWORK_KEY, "commune:35238", "country:DE", "departement:35"):
        text = to_markdown(build(bretagne, key))
        # the count of French collectivités by région names every région: data, not wording
        text = re.sub(r"## Ailleurs en France.*?(?=\n## )", "", text, flags=re.S)
        assert "Ailleurs en France" not in text or key != "country:DE"
        assert "Nouvelle-Aquitaine" not in text.replace(WATER_LIMIT, ""), key
    assert "Bretagne" in to_markdown(build(bretagne, NETWORK_KEY))


def test_scope_france_brings_other_regions_flagged(home: Context) -> None:
    focus = analysis.focus(home, analysis.FocusQuery(countries=("BF",)))
    regional = analysis.consortia(home, focus, 5)
    national = analysis.consortia(home, focus, 5, scope="france")
    assert all(not m.outside_region for c in regional for m in [c.lead, *c.members])
    outside = [m for c in national for m in [c.lead, *c.members] if m.outside_region]
    assert outside and all(not in_region(home.graph(), m.actor, "75") for m in outside)
    assert all(m.reasons for m in outside)  # each with its reasons
    with pytest.raises(Exception, match="périmètre inconnu"):
        analysis.consortia(home, focus, 5, scope="monde")


def test_who_else_in_france_works_with_the_same_partner(home: Context) -> None:
    poitiers = profile(home, "commune:86194")
    shared = {s.partner.key: s.actors for s in poitiers.same_partners}
    # Coimbra is also Aix-en-Provence's twin (Wikidata), a town of another région
    assert any(a.key == "commune:13001" and a.outside_region
               for a in shared["territory:pt-coimbra"])
    burkina = country(home, "BF")
    assert burkina.by_region["Nouvelle-Aquitaine"] >= 1 and len(burkina.by_region) > 1


def test_the_country_view_counts_french_actors_by_region(home: Context) -> None:
    drawing = views.drawing(home, views.ViewSpec(country="BF"))
    counts = drawing["by_region"]
    assert counts == country(home, "BF").by_region
    assert counts["Nouvelle-Aquitaine"] >= 1 and len(counts) > 1
    # the view itself stays the home région's: no collectivité from elsewhere drawn
    graph = home.graph()
    drawn = [n["id"] for n in drawing["nodes"] if graph.nodes[n["id"]].get("region")]
    assert drawn and all(graph.nodes[k]["region"] == "75" for k in drawn)
