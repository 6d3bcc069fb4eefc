"""Refresh the geography from a new vintage of the official files (etalab, Sandre):
read them with :mod:`ingest.official`, turn them into records with the same code as the
bundled reference (:mod:`ingest.reference.load`), write them in one unit of work."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from graph.store import GraphStore
from ingest.official import geography_tables, read_basins, read_json_list
from ingest.reference.load import geography, table_rows


def refresh_geography(store: GraphStore, communes: Path, epci: Path, departements: Path | None = None,
                      regions: Path | None = None, basins: Path | None = None,
                      dry_run: bool = False) -> dict[str, int]:
    """Load a new vintage of the official files into the store, in one unit of work.

    Files not given (départements, régions, basins) are taken from the bundled tables;
    SIREN of départements and régions always come from the bundled tables (the etalab
    files do not carry them). Returns what would be or was created, updated, unchanged.
    """
    deps = read_json_list(departements) if departements else table_rows("departements.csv")
    regs = read_json_list(regions) if regions else table_rows("regions.csv")
    basin_rows = read_basins(basins) if basins else {
        r["insee"]: {"bassin": r["basin"], "status": "ambiguous-merged-commune"
                     if r["basin_ambiguous"] else "unambiguous"} for r in table_rows("communes.csv")}
    tables = geography_tables(
        read_json_list(communes), read_json_list(epci), deps, regs, basin_rows,
        {r["code"]: r["siren"] for r in table_rows("departements.csv")},
        {r["code"]: r["siren"] for r in table_rows("regions.csv")},
        source=f"etalab : {communes.name}, {epci.name}",
        basin_source=basins.name if basins else "Sandre (données fournies avec Maillage)")
    nodes, rels = geography(tables, origin="")
    node_plan = store.plan_nodes(nodes)
    rel_plan = store.plan_relationships(rels)
    counts: dict[str, int] = defaultdict(int)
    for action in [*node_plan.values(), *rel_plan.values()]:
        counts[action] += 1
    if not dry_run:
        with store.transaction():
            store.upsert_nodes(nodes, batch_size=1000)
            store.upsert_relationships(rels, batch_size=1000)
    return dict(counts)
