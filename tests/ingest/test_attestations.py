"""A fact keeps every source that attests it: restating known facts adds attestations and
erases nothing (provenance, properties, countries)."""

from __future__ import annotations

import shutil
from pathlib import Path

from graph.attestations import attestations
from graph.model import Relationship
from graph.sqlite_store import SqliteStore
from ingest.importer import USER_LICENCE, import_file
from ingest.reference.load import FACTS


def facts(store: SqliteStore) -> dict[str, Relationship]:
    _, rels = store.export()
    return {r.key: r for r in rels if str(r.props.get("origin", "")).startswith(FACTS.name)}


def test_restating_the_bundled_facts_erases_nothing(ref_store: SqliteStore,
                                                    tmp_path: Path) -> None:
    before = facts(ref_store)
    assert before and all(attestations(r) for r in before.values())
    copy = tmp_path / "mes-actions.csv"
    shutil.copyfile(FACTS, copy)
    report = import_file(ref_store, copy, partial=True)
    assert report.written
    after = facts(ref_store)
    assert set(before) <= set(after)
    for key, old in before.items():
        new = after[key]
        assert new.provenance == old.provenance, key  # the first source stays the source
        for name, value in old.props.items():
            grown = new.props.get(name)
            if isinstance(value, list) and isinstance(grown, list) and name != "attestations":
                assert set(value) <= set(grown), (key, name)  # lists only grow
            elif name != "attestations":
                assert new.props.get(name) == value, (key, name)
        known = {a.origin: a for a in attestations(old)}
        found = {a.origin: a for a in attestations(new)}
        # every earlier attestation in place, and the copy's line beside each one
        assert all(found[o] == a for o, a in known.items()), key
        # (a twinning may also be attested by Wikidata: that one is not in the copy)
        restated = {o.replace(FACTS.name, copy.name) for o in known if o.startswith(FACTS.name)}
        assert set(found) == set(known) | restated, key
        assert all(found[o].licence == USER_LICENCE for o in restated)
    # and a third import of the same file refreshes its own attestations, adds none
    again = import_file(ref_store, copy, partial=True)
    assert again.count("create") == 0 and again.count("update") == 0
    def from_facts(rel: Relationship) -> int:
        return sum(1 for a in attestations(rel) if a.origin.startswith(FACTS.name))

    assert all(len(attestations(r)) == len(attestations(before[k])) + from_facts(before[k])
               for k, r in facts(ref_store).items())


def test_a_row_without_countries_does_not_erase_them(ref_store: SqliteStore,
                                                     tmp_path: Path) -> None:
    key, old = next((k, r) for k, r in facts(ref_store).items() if r.props.get("countries"))
    rows = FACTS.read_text(encoding="utf-8").splitlines()
    line = int(str(old.props["origin"]).split(":")[1])
    header, row = rows[0], rows[line - 1]
    path = tmp_path / "sans-pays.csv"
    path.write_text(header + "\n" + row + "\n", encoding="utf-8")
    import_file(ref_store, path, partial=True)
    new = ref_store.get_relationship(key)
    assert new is not None and new.props["countries"] == old.props["countries"]


def test_a_row_without_country_names_the_known_project(ref_store: SqliteStore,
                                                       tmp_path: Path) -> None:
    header = "collectivite;code;type_relation;partenaire;pays;periode;source"
    first = tmp_path / "projets-1.csv"
    first.write_text(header + "\nPoitiers;86194;projet;Bibliothèques de Moundou;TD;2024;"
                     "https://exemple.org/a\n", encoding="utf-8")
    again = tmp_path / "projets-2.csv"
    again.write_text(header + "\nPoitiers;86194;projet;Bibliothèques de Moundou;;2025;"
                     "https://exemple.org/b\n", encoding="utf-8")
    import_file(ref_store, first)
    import_file(ref_store, again)
    keys = [n.node.key for n in ref_store.neighbours("commune:86194", types=["PARTICIPATES_IN"])
            if "bibliotheques" in n.node.key]
    assert sorted(set(keys)) == ["project:td-bibliotheques-de-moundou"]
