"""Joint partners on the bundled facts: co-signatories and co-partners named in the
statements become edges with the quoted words, and the analysis treats them as partners."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.evidence import build_index
from graph.gaps import GapContext, separate_actors, water_without_agency
from graph.model import Node, Provenance, Relationship, RelType
from graph.opportunities import suggest_partners
from graph.sqlite_store import SqliteStore
from ingest.joint import co_signatories

POITIERS, GRAND_POITIERS = "commune:86194", "epci:200069854"


@pytest.fixture
def graph(real_graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    return real_graph


def joint(graph: nx.MultiDiGraph, start: str, end: str) -> list[dict[str, Any]]:
    return [d for u, v, d in graph.out_edges(start, data=True) if v == end and d.get("joint")]


def test_poitiers_and_grand_poitiers_cosigned_2025(graph: nx.MultiDiGraph) -> None:
    both = joint(graph, POITIERS, GRAND_POITIERS) + joint(graph, GRAND_POITIERS, POITIERS)
    assert {d["role"] for d in both} == {"cosignataire"}
    assert any("tripartite" in str(d["quote"]) for d in both)
    assert all(2025 in (d.get("years") or []) for d in both)  # the year of the agreement


def test_co_partners_quote_their_words(graph: nx.MultiDiGraph) -> None:
    agency = joint(graph, GRAND_POITIERS, "organisation:agence-eau-loire-bretagne")
    assert agency and "Agence de l'eau Loire-Bretagne" in str(agency[0]["quote"])
    # a mention without partnership words proves nothing: no edge from it
    for *_, d in graph.edges(data=True):
        if d.get("joint") and d["role"] == "co-partenaire":
            said = f"{d.get('partner_label') or ''} {d.get('statement') or ''}"
            assert d["quote"] and str(d["quote"]) in said


def test_joint_partners_are_partners_for_the_analysis(graph: nx.MultiDiGraph) -> None:
    index = build_index(graph)
    assert GRAND_POITIERS in index.by_actor[POITIERS].allies
    suggested = [s.actor for s in suggest_partners(graph, POITIERS, 10, index)]
    assert GRAND_POITIERS not in suggested
    ctx = GapContext(graph, index, 2026)
    moundou = [i for i in separate_actors(ctx).items if i.key == "territory:td-moundou"]
    assert not moundou or {a.key for a in moundou[0].actors} - {POITIERS, GRAND_POITIERS}
    # the agency named in Grand Poitiers's statement: not a water action without agency
    assert GRAND_POITIERS not in {i.key for i in water_without_agency(ctx).items}


def test_a_mere_mention_goes_to_review_and_can_be_confirmed(ref_store: SqliteStore) -> None:
    from ingest.review import settle_item

    possible = [i for i in ref_store.review_items("open") if i.template == "conjoint"]
    assert possible and all(i.row["citation"] in i.reason for i in possible)
    item = possible[0]
    actor, partner = item.row["acteur"], item.row["partenaire"]
    assert not [n for n in ref_store.neighbours(actor, direction="out")
                if n.node.key == partner and n.relationship.props.get("joint")]
    assert settle_item(ref_store, item.key, partner) == 1
    edge = [n.relationship for n in ref_store.neighbours(actor, direction="out")
            if n.node.key == partner and n.relationship.props.get("joint")]
    assert edge and edge[0].props["quote"] == item.row["citation"]
    assert [i.status for i in ref_store.review_items() if i.key == item.key] == ["settled"]


def test_support_structures_named_in_statements(graph: nx.MultiDiGraph) -> None:
    # « accompagnée par l'ACAD » (Noaillan), « Association Poitiers-Moundou » (Poitiers)
    acad = joint(graph, "commune:33307", "organisation:acad")
    assert acad and any("accompagnée par l'ACAD" in str(d["quote"]) for d in acad)
    apm = joint(graph, POITIERS, "organisation:association-poitiers-moundou")
    assert apm and apm[0]["role"] == "co-partenaire"
    # a row's own partner is its main relation, not a co-partner of itself
    assert not joint(graph, GRAND_POITIERS, "organisation:association-poitiers-moundou")


def test_agencies_named_together_are_each_a_co_partner(graph: nx.MultiDiGraph) -> None:
    # na_relations.csv:291: Limousin's programme 2010-2012 « cofinancé par le MAEE et les
    # Agences de l'eau Loire-Bretagne et Adour-Garonne »
    region = "region:75"
    for agency in ("organisation:agence-eau-loire-bretagne",
                   "organisation:agence-eau-adour-garonne"):
        found = joint(graph, region, agency)
        assert found and any("Agences de l'eau Loire-Bretagne et Adour-Garonne" in str(d["quote"])
                             for d in found), agency
    listed = {i.key for i in water_without_agency(
        GapContext(graph, build_index(graph), 2026, region="75")).items}
    assert region not in listed  # the source names both agencies: no water gap for it


def test_an_agency_named_by_its_short_form_is_a_co_partner(graph: nx.MultiDiGraph) -> None:
    # pS-Eau's fiche: « partenaires ACAD, AE Adour-Garonne, … » for Saint-Pierre-d'Aurillac
    agency = joint(graph, "commune:33463", "organisation:agence-eau-adour-garonne")
    assert agency and any("AE Adour-Garonne" in str(d["quote"]) for d in agency)
    from graph.evidence import build_index
    from graph.gaps import GapContext, water_without_agency

    listed = {i.key for i in water_without_agency(
        GapContext(graph, build_index(graph), 2026, region="75")).items}
    assert "commune:33463" not in listed and "commune:33063" in listed  # Bordeaux: none named


@pytest.mark.parametrize(("statement", "joint_expected"), [
    ("Jumelage signé en 2025 avec Sorel-Tracy, projet associant l'agglomération et Chauray",
     True),
    ("Relation avec Sorel-Tracy à laquelle Chauray se joint en 2025", True),
    ("Niort rejoint en 2025 le jumelage de Chauray avec Sorel-Tracy", True),
    # named, but nothing says they act together: no partnership is inferred
    ("Jumelage avec Sorel-Tracy, comme Chauray depuis 2019", False),
])
def test_joining_words_make_co_signatories(statement: str, joint_expected: bool) -> None:
    prov = Provenance(source="https://exemple.org/jumelage", licence="CC0")
    niort = Node(key="commune:79191", name="Niort", provenance=prov)
    chauray = Node(key="commune:79081", name="Chauray", provenance=prov)
    facts = [Relationship(type=RelType.TWINNED_WITH, start=actor.key,
                          end="territory:ca-sorel-tracy", provenance=prov,
                          props={"statement": text, "partner_label": "Sorel-Tracy"})
             for actor, text in ((niort, statement), (chauray, "Jumelage avec Sorel-Tracy"))]
    found = co_signatories(facts, {n.key: n for n in (niort, chauray)})
    assert [(r.start, r.end) for r in found] == (
        [("commune:79191", "commune:79081")] if joint_expected else [])


def test_niort_and_chauray_twin_with_sorel_tracy_together(graph: nx.MultiDiGraph) -> None:
    # the page says the 2025 twinning associates Chauray with Niort: partners, not a gap
    assert joint(graph, "commune:79191", "commune:79081")
    index = build_index(graph)
    ctx = GapContext(graph, index, 2026)
    sorel = [i for i in separate_actors(ctx).items if i.key == "territory:ca-sorel-tracy"]
    assert not sorel


def test_co_signatories_across_two_files(ref_store: SqliteStore, tmp_path: Path) -> None:
    """A file read later names the other party of a statement the store already holds:
    the co-signature is found then (the known relations of the place are read), and not
    from a place the file creates (the store cannot know anything of it)."""
    from ingest.importer import import_file

    header = "collectivite;departement;type_relation;partenaire;pays;periode;description;source"
    place = "territory:bf-essai-sur-nakambe"  # a test place: no such commune is known
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(f"{header}\nPoitiers;86;coopération;Essai-sur-Nakambé;Burkina Faso;2024;"
                     "Programme conduit conjointement avec Niort;https://exemple.org/a\n",
                     encoding="utf-8")
    second.write_text(f"{header}\nNiort;79;coopération;Essai-sur-Nakambé;Burkina Faso;2024;;"
                      "https://exemple.org/b\n", encoding="utf-8")

    def cosigned() -> set[tuple[str, str]]:
        return {(r.start, r.end) for r in ref_store.relationships_to(
            ["commune:79191"], ["COOPERATES_WITH"])
            if r.start == POITIERS and r.props.get("role") == "cosignataire"}

    import_file(ref_store, first)
    assert ref_store.get_node(place) is not None and cosigned() == set()
    import_file(ref_store, second)
    assert cosigned() == {(POITIERS, "commune:79191")}
