"""Refreshing the geography from the official etalab and Sandre formats."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from graph.sqlite_store import SqliteStore
from ingest.errors import IngestError
from ingest.geography import refresh_geography

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "geo"


def _mini_vintage(tmp: Path) -> tuple[Path, Path]:
    """A new 'vintage' made by hand: Poitiers renamed and one EPCI member moved out."""
    communes = [{"code": "86194", "nom": "Poitiers-Nouvelle", "type": "commune-actuelle",
                 "region": "75", "departement": "86", "siren": "218601946",
                 "population": 90000, "codesPostaux": ["86000"]},
                {"code": "86999", "nom": "Ancien Village", "type": "commune-deleguee",
                 "region": "75", "departement": "86", "chefLieu": "86194"}]
    epcis = [{"code": "200069854", "nom": "CU du Grand Poitiers", "type": "CU",
              "populationTotale": 201413, "membres": [{"code": "86194"}]}]
    c, e = tmp / "communes.json", tmp / "epci.json"
    c.write_text(json.dumps(communes), encoding="utf-8")
    e.write_text(json.dumps(epcis), encoding="utf-8")
    return c, e


def test_refresh_applies_new_vintage(ref_store: SqliteStore, tmp_path: Path) -> None:
    communes, epci = _mini_vintage(tmp_path)
    plan = refresh_geography(ref_store, communes, epci, dry_run=True)
    assert plan["update"] >= 2  # Poitiers, the EPCI (members), the région population…
    assert ref_store.get_node("commune:86194").name == "Poitiers"  # type: ignore[union-attr]
    refresh_geography(ref_store, communes, epci)
    poitiers = ref_store.get_node("commune:86194")
    assert poitiers is not None and poitiers.name == "Poitiers-Nouvelle"
    assert poitiers.props["former_names"] == ["Ancien Village"]
    assert poitiers.props["basin"] == "Loire-Bretagne"  # kept from the bundled basins
    assert "communes.json" in poitiers.provenance.source


def test_bad_official_file(ref_store: SqliteStore, tmp_path: Path) -> None:
    communes, epci = _mini_vintage(tmp_path)
    epci.write_text('{"pas": "une liste"}', encoding="utf-8")
    generation = ref_store.generation()
    with pytest.raises(IngestError, match=r"epci\.json : liste d'objets JSON attendue"):
        refresh_geography(ref_store, communes, epci)
    communes.write_text("[{\"code\": \"1\"}]", encoding="utf-8")
    epci.write_text("[]", encoding="utf-8")
    with pytest.raises(IngestError, match="champ\\(s\\) nom, type absent"):
        refresh_geography(ref_store, communes, epci)
    assert ref_store.generation() == generation


@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/data (not in a bare clone)")
def test_real_vintage_is_unchanged(ref_store: SqliteStore, tmp_path: Path) -> None:
    with tarfile.open(SHARED / "etalab-decoupage-administratif-6.0.0.tgz") as tar:
        for name in ("communes", "epci", "departements", "regions"):
            member = tar.extractfile(f"package/data/{name}.json")
            assert member is not None
            (tmp_path / f"{name}.json").write_bytes(member.read())
    plan = refresh_geography(ref_store, tmp_path / "communes.json", tmp_path / "epci.json",
                             tmp_path / "departements.json", tmp_path / "regions.json",
                             SHARED / "communes-na-2026-bassin.csv", dry_run=True)
    # same vintage: only the provenance text differs, the records are the same ones
    assert plan.get("create", 0) == 0
