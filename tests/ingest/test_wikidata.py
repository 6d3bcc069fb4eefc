"""The whole of France: national geography and the Wikidata twinnings (P190).

On the bundled reference (loaded once per session): what the file adds, that no known
relation is doubled, and how the French side is resolved (former names, homonyms)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.attestations import attestations
from graph.evidence import build_index
from graph.model import NodeKind, RelType
from graph.sqlite_store import SqliteStore
from ingest.importer import import_file, resolvers_for
from ingest.readers import read_table
from ingest.reference.load import FACTS, TWINNINGS
from ingest.templates import WIKIDATA, map_headers
from ingest.wikidata import Known, Town, _departement, prepare, resolve_town

SOURCE = "Wikidata (CC0), P190, extrait 2017"


@pytest.fixture(scope="module")
def store(reference_db: Path) -> SqliteStore:
    return SqliteStore(reference_db)


def twinnings(store: SqliteStore, start: str, end: str) -> list[str]:
    return [n.relationship.key for n in store.neighbours(start, types=["TWINNED_WITH"])
            if n.node.key == end]


def test_national_counts(store: SqliteStore) -> None:
    nodes = store.counts().nodes
    assert (nodes["commune"], nodes["epci"], nodes["departement"], nodes["region"]) == (
        34_969, 1_255, 101, 18)
    rels = [n.relationship for n in store.neighbours("territory:de-marburg", direction="in")]
    assert rels  # the bundled facts' Marburg, not a second « Marburg » from Wikidata
    wikidata = 0
    for key in ("commune:86194", "commune:33063", "commune:75056"):
        for n in store.neighbours(key, types=[RelType.TWINNED_WITH.value]):
            if any(a.source == SOURCE for a in attestations(n.relationship)):
                wikidata += 1
    assert wikidata >= 20  # Poitiers, Bordeaux and Paris have their Wikidata twins


def test_at_least_3000_twinnings_attested_by_wikidata(store: SqliteStore) -> None:
    _, rels = store.rows()
    attested = [r for r in rels if r.type == "TWINNED_WITH" and SOURCE in str(r.props)]
    assert len(attested) >= 3000
    assert all(SOURCE in str(r.props.get("attestations")) for r in attested)


def test_known_pairs_get_a_source_not_a_second_relation(store: SqliteStore) -> None:
    # Poitiers–Marburg: two bundled statements; Wikidata adds its attestation to one of them
    marburg = twinnings(store, "commune:86194", "territory:de-marburg")
    assert len(marburg) == 2
    sources = [a.source for key in marburg
               for a in attestations(store.get_relationship(key))]  # type: ignore[arg-type]
    assert sources.count(SOURCE) == 1 and len(sources) == 3
    # « Yaroslavl » in Wikidata is the bundled facts' « Iaroslavl », one place
    assert twinnings(store, "commune:86194", "territory:ru-yaroslavl") == []
    assert len(twinnings(store, "commune:86194", "territory:ru-iaroslavl")) == 1
    # Bordeaux: every foreign place is twinned once at most by one Wikidata relation
    bordeaux = [n for n in store.neighbours("commune:33063", types=["TWINNED_WITH"])]
    wikidata = [n.node.key for n in bordeaux
                if any(a.source == SOURCE for a in attestations(n.relationship))]
    assert len(wikidata) == len(set(wikidata)) >= 15


def test_reimporting_the_extract_changes_nothing(store: SqliteStore) -> None:
    report = import_file(store, TWINNINGS, template=WIKIDATA, dry_run=True)
    assert report.count("create") == report.count("update") == 0
    assert report.count("unchanged") >= 3810


def test_french_side_resolution(store: SqliteStore) -> None:
    resolvers = resolvers_for(store)
    # where each département lies, from the extract's towns only one commune can be
    table = read_table(TWINNINGS)
    columns, _ = map_headers(table.headers, WIKIDATA, table.file)
    rows = [{columns[h]: v for h, v in cells.items() if h in columns} for _, cells in table.rows]
    known = prepare(rows, resolvers, None)["known"]
    assert len(known.centroids) > 80
    # a former commune's name gives today's commune, and says so (Seynod joined Annecy)
    key, _, how = resolve_town(Town("Seynod", 45.89, 6.10, 19624), resolvers, known)
    assert key == "commune:74010" and how.startswith("ancien nom") and "Annecy" in how
    # homonyms settled by where the town lies: Montreuil (Seine-Saint-Denis), not the others
    assert len({e.key for e in resolvers.collectivites.exact[NodeKind.COMMUNE]["montreuil"]}) > 1
    key, candidates, how = resolve_town(Town("Montreuil", 48.86, 2.44, 104139), resolvers,
                                        known)
    assert key == "commune:93048" and "lieu" in how and len(candidates) > 1
    # ... or by population when the places are not all known: Ussel (Corrèze, 9,187 hab.)
    key, _, how = resolve_town(Town("Ussel", 45.55, 2.31, 9702), resolvers, Known())
    assert key == "commune:19275" and "population" in how
    # a name a merger lengthened: the one commune it begins, where the town lies
    key, _, how = resolve_town(Town("Cherbourg", 49.64, -1.62, 37000), resolvers, known)
    assert key == "commune:50129" and "Cherbourg-en-Cotentin" in how
    # unknown name, or homonyms nothing settles: to review, said in French
    key, _, how = resolve_town(Town("Atlantis-sur-Mer", 0.0, 0.0, 10), resolvers, known)
    assert key is None and "aucune commune" in how
    key, candidates, how = resolve_town(Town("Montreuil", None, None, None), resolvers, known)
    assert key is None and len(candidates) > 1 and "homonymes" in how
    # ... unless the label names the département: the two Pont-de-Beauvoisin face each
    # other across the Guiers (Savoie, Isère), too close for the place to tell them apart
    savoie = Town("Le Pont-de-Beauvoisin, Savoie", 45.536, 5.673, 2043)
    key, candidates, how = resolve_town(savoie, resolvers, known)
    assert len(candidates) == 2 and key is not None
    assert _departement(resolvers, key) == "73" and "nom" in how
    key, _, _ = resolve_town(Town("Le Pont-de-Beauvoisin, Atlantide", 45.536, 5.673, 2043),
                             resolvers, known)
    assert key is None


def test_facts_file_and_extract_ship_with_their_provenance() -> None:
    text = (FACTS.parent / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "wikidata_p190_france_2017.tsv" in text and "CC0" in text
    assert (FACTS.parent / "wikidata_p190_france_2017.sparql").exists()


def test_cli_reloads_a_newer_extract(ref_store: SqliteStore, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from service.cli import app
    from service.settings import get_settings

    monkeypatch.setenv("MAILLAGE_STORE", f"sqlite:///{ref_store.path}")
    get_settings.cache_clear()
    lines = TWINNINGS.read_text(encoding="utf-8").splitlines()
    poitiers = [line for line in lines if line.startswith("Poitiers\t")]
    newer = tmp_path / "p190-2025.tsv"
    newer.write_text("\n".join([lines[0], *poitiers,
                                "Atlantis-sur-Mer\tFrance\t0\t0\t10\tMu\t1\t1\t\tGermany\t9\tEU"])
                     + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(newer), "--template", "wikidata-p190",
                                      "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["collectivite"] for r in rows[:-1]] == ["commune:86194"] * len(poitiers)
    # known pairs gain this extract's attestation (an update), none is created twice
    assert {r["action"] for r in rows[:-1]} == {"update"}
    assert rows[-1]["action"] == "reject" and rows[-1]["review"]


def test_a_listing_is_a_mention_not_a_start_nor_activity(store: SqliteStore) -> None:
    from graph.gaps import GapContext, stale_relations
    from graph.projection import to_networkx
    from graph.status import Status, pair_statuses

    graph = to_networkx(*store.export())
    # Bordeaux–Bristol: the page cites 1947; the 2017 extract lists it: not « to relaunch »
    bristol = [k for k in twinnings(store, "commune:33063", "territory:gb-bristol")]
    assert len(bristol) == 1
    rel = store.get_relationship(bristol[0])
    assert rel is not None and rel.props["seen"] == [2017] and rel.props["years"] == [1947]
    pair = next(p for p in pair_statuses(graph, 2026)
                if (p.actor, p.partner) == ("commune:33063", "territory:gb-bristol"))
    assert pair.last_year == 2017 and pair.status == Status.UNKNOWN  # to check, not active
    stale = stale_relations(GapContext(graph, build_index(graph), 2026)).items
    assert not any(i.key == bristol[0] for i in stale)
    # a twinning known only from the extract has no start year
    coimbra = store.get_relationship(twinnings(store, "commune:86194", "territory:pt-coimbra")[0])
    assert coimbra is not None and "since" not in coimbra.props and "years" not in coimbra.props


def test_a_bad_extract_is_refused_in_french_and_writes_nothing(ref_store: SqliteStore,
                                                               tmp_path: Path) -> None:
    from ingest.errors import IngestError

    lines = TWINNINGS.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "p190-2025.tsv"
    broken = lines[2].split("\t")
    broken[2] = "nord"  # originlat
    bad.write_text("\n".join([lines[0], lines[1], "\t".join(broken)]) + "\n", encoding="utf-8")
    before = ref_store.generation(), ref_store.counts()
    with pytest.raises(IngestError) as info:
        import_file(ref_store, bad, template=WIKIDATA)
    message = str(info.value)
    assert message.startswith("p190-2025.tsv") and "ligne 3" in message
    assert "lat_fr" in message and "nombre attendu" in message
    assert (ref_store.generation(), ref_store.counts()) == before


def test_a_place_wikidata_gave_no_label_is_not_named_by_its_item(store: SqliteStore) -> None:
    # Montmorillon's sister town in the extract has only its item, Q16511122, as label
    places = [n.node for n in store.neighbours("commune:86165", types=["TWINNED_WITH"])
              if n.node.props.get("country") == "BF"]
    assert [(p.name, p.props.get("wikidata")) for p in places] == [
        ("lieu sans libellé dans Wikidata (Q16511122)", "Q16511122")]
