from __future__ import annotations

from pathlib import Path

from graph.model import NodeKind, RelType
from graph.sqlite_store import SqliteStore
from ingest.importer import _GROUPS, _of_kinds
from ingest.reference.load import FACTS, load_reference, reference_records
from ingest.rows import collect
from tests.helpers import bundled_rows


def test_geography_counts(ref_store: SqliteStore) -> None:
    counts = ref_store.counts().nodes
    for kind, table in (("region", "regions.csv"), ("departement", "departements.csv"),
                        ("commune", "communes.csv"), ("epci", "epci.csv"), ("odd", "odd.csv")):
        assert counts[kind] == bundled_rows(table), kind
    assert counts["odd"] == 17  # the 2030 Agenda has 17 goals, whatever the vintage
    assert counts["country"] >= bundled_rows("countries.csv")


def test_every_commune_has_siren_population_basin(ref_store: SqliteStore) -> None:
    communes = ref_store.find_nodes(kind=NodeKind.COMMUNE, limit=1000)
    offset = 1000
    while page := ref_store.find_nodes(kind=NodeKind.COMMUNE, limit=1000, offset=offset):
        communes += page
        offset += 1000
    assert len(communes) == bundled_rows("communes.csv") == 34_969  # all of France
    # a SIREN for every commune of a région (those of the collectivités d'outre-mer have none)
    assert all(c.props.get("siren") for c in communes if len(str(c.props.get("region"))) == 2)
    assert sum(1 for c in communes if c.props.get("population") is not None) >= 34_960
    # water basins are known for Nouvelle-Aquitaine only (the Sandre extract), all of it
    home = [c for c in communes if c.props.get("region") == "75"]
    assert len(home) == 4293
    assert all(c.props.get("basin") in ("Adour-Garonne", "Loire-Bretagne") for c in home)
    assert not any(c.props.get("basin") for c in communes if c.props.get("region") != "75")
    assert sum(1 for c in communes if c.props.get("basin_ambiguous")) == 3
    assert all(c.provenance.source and c.provenance.licence for c in communes)


def test_poitiers(ref_store: SqliteStore) -> None:
    poitiers = ref_store.get_node("commune:86194")
    assert poitiers is not None and poitiers.name == "Poitiers"
    out = {(n.relationship.type, n.node.key) for n in ref_store.neighbours("commune:86194",
                                                                           direction="out")}
    assert (RelType.MEMBER_OF, "epci:200069854") in out
    assert (RelType.LOCATED_IN, "departement:86") in out
    epci = ref_store.get_node("epci:200069854")
    assert epci is not None and "Grand Poitiers" in epci.name
    assert ref_store.neighbours("departement:86", types=["LOCATED_IN"],
                                direction="out")[0].node.key == "region:75"


def test_every_fact_accounted_for(ref_store: SqliteStore) -> None:
    facts = bundled_rows(FACTS.name)
    assert facts > 0
    _, rels = ref_store.export()
    loaded_lines = {str(r.props["origin"]) for r in rels
                    if str(r.props.get("origin", "")).startswith("na_relations.csv:")}
    # the rows not attached to a collectivité (duplicates and possible partners are about
    # rows that were loaded)
    review_lines = {f"{i.file}:{line}" for i in ref_store.review_items()
                    if i.template == "actions" for line in i.lines}
    assert not loaded_lines & review_lines
    assert len(loaded_lines) + len(review_lines) == facts
    # the homonyms are not guessed
    magne = next(i for i in ref_store.review_items() if i.name == "Magné")
    assert sorted(magne.candidates) == ["commune:79162", "commune:86141"]
    assert "homonymes" in magne.reason


def test_reloading_changes_nothing(ref_store: SqliteStore) -> None:
    before = ref_store.export()
    summary, report, _ = load_reference(ref_store)
    assert summary.created == summary.updated == 0
    assert report.count("create") == report.count("update") == 0
    assert ref_store.export() == before


def test_facts_keep_their_source(ref_store: SqliteStore) -> None:
    twinnings = [n for n in ref_store.neighbours("commune:86194", types=["TWINNED_WITH"])]
    assert twinnings
    assert all(t.relationship.provenance.source.startswith(("http", "Wikidata (CC0), P190"))
               for t in twinnings)
    assert all(t.node.key.startswith("territory:") for t in twinnings)


def test_a_fresh_load_reads_nothing_back_and_resolves_the_same(tmp_path: Path) -> None:
    """Into an empty store the reference load builds its resolvers from the records it
    wrote: they must be exactly what reading the store back gives."""
    store = SqliteStore(tmp_path / "fresh.db")
    nodes, _ = reference_records({"75"})
    store.upsert_nodes(nodes, batch_size=1000)
    for kinds in [*_GROUPS.values(), (NodeKind.PROJECT,)]:
        written = _of_kinds(nodes, kinds)
        assert written or kinds == (NodeKind.PROJECT,), kinds  # projects: from the facts
        assert [n.model_dump() for n in written] == [n.model_dump()
                                                     for n in collect(store, kinds)]
    store.close()
