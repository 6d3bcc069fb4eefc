"""The observatory on a graph small enough to count by hand."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graph.observatory import span, timeline
from graph.projection import to_networkx
from graph.sqlite_store import SqliteStore


def test_a_relation_counts_in_the_years_its_sources_cover() -> None:
    g = nx.MultiDiGraph()
    for key, kind in [("commune:1", "commune"), ("commune:2", "commune"),
                      ("region:75", "region"), ("territory:x", "territory"),
                      ("country:BF", "country"), ("country:SN", "country"),
                      ("departement:86", "departement")]:
        g.add_node(key, kind=kind)
    g.nodes["commune:1"]["departement"] = "86"
    g.add_edge("territory:x", "country:BF", type="LOCATED_IN")
    # 2019–2021 then said to end in 2021; 2021 ongoing; undated (a list of twinnings)
    g.add_edge("commune:1", "territory:x", type="TWINNED_WITH", years=[2019], ended=2021,
               themes=["eau"])
    g.add_edge("commune:2", "country:SN", type="COOPERATES_WITH", years=[2021],
               period="depuis 2021", themes=["eau", "sante"])
    g.add_edge("region:75", "country:SN", type="COOPERATES_WITH", seen=[2017])
    found = timeline(g, {"commune:1", "commune:2", "region:75"}, 2018, 2023, 2023)
    rows = {y.year: y for y in found.years}
    assert [(y, rows[y].relations, len(rows[y].actors), len(rows[y].countries))
            for y in rows] == [(2018, 0, 0, 0), (2019, 1, 1, 1), (2020, 1, 1, 1),
                               (2021, 2, 2, 2), (2022, 1, 1, 1), (2023, 1, 1, 1)]
    assert rows[2019].started == [("commune:1", "territory:x", "TWINNED_WITH")]
    assert rows[2021].ended == [("commune:1", "territory:x", "TWINNED_WITH")]
    assert rows[2021].newly_engaged == ["commune:2"]
    assert found.undated == 1  # the Région's twinning no source dates
    assert found.by_departement[2020] == {"departement:86": 1}
    assert found.by_theme[2021] == {"theme:eau": 2, "theme:sante": 1}
    assert span({"years": [2024, 2025], "until": 2030}, 2026) == (2024, 2026)


def test_a_term_is_not_a_stop(reference_db: Path) -> None:
    """« Convention … jusqu'en 2024 » (na_relations.csv:241) runs until 2024; its source does
    not say it stopped: the observatory does not list it among the partnerships ended."""
    store = SqliteStore(reference_db)
    try:
        [ofqj] = [n.relationship for n in store.neighbours("region:75", types=[
            "PARTICIPATES_IN"], direction="out") if n.node.props.get("acronym") == "OFQJ"]
        graph = to_networkx(*store.export())
    finally:
        store.close()
    assert ofqj.props.get("until") == 2024 and "ended" not in ofqj.props
    found = timeline(graph, {"region:75"}, 2023, 2025, 2026)
    assert all(ofqj.end not in {partner for _, partner, _ in year.ended} for year in found.years)
