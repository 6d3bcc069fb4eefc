"""Views of the graph: large ones fold communes into their EPCI, with one weighted edge
per pair and type."""

from __future__ import annotations

from collections import Counter

import pytest

from graph.sqlite_store import SqliteStore
from service import actors, views
from service.context import Context
from service.views import ViewSpec


def test_a_large_view_folds_communes_with_one_weighted_edge_per_pair(
        ref_store: SqliteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = Context(ref_store)
    spec = ViewSpec(departement="departement:79", limit=2000)
    plain = views.view(ctx, spec)
    assert not plain.aggregated
    kinds = Counter(n.kind for n in plain.nodes)
    assert kinds["commune"] > 200
    monkeypatch.setattr(views, "AGGREGATE_ABOVE", len(plain.nodes) - 1)
    folded = views.view(ctx, spec)
    assert folded.aggregated
    assert not [n for n in folded.nodes if n.kind == "commune" and
                ctx.graph().nodes[n.key].get("epci")]
    # no parallel edges: one per pair and type, its weight the relations it stands for
    pairs = Counter((e.source, e.target, e.type) for e in folded.edges)
    assert max(pairs.values()) == 1
    shown = {n.key for n in plain.nodes}
    inside = [(u, v) for u, v in ctx.graph().subgraph(shown).edges()]
    folded_into = {n.key for n in folded.nodes}
    kept = sum(e.weight for e in folded.edges)
    # every relation of the plain view is counted once, unless both its ends fold into one
    assert kept <= len(inside) and kept > len(folded.edges)
    assert any(e.weight > 1 for e in folded.edges)
    assert folded_into < shown | {f"epci:{ctx.graph().nodes[k].get('epci')}" for k in shown}
    drawn = views.drawing(ctx, spec)
    assert len(drawn["edges"]) == len(folded.edges)
    ctx.close()


def test_a_theme_view_is_about_that_theme(ref_store: SqliteStore) -> None:
    ctx = Context(ref_store)
    before = views.view(ctx, ViewSpec(theme="theme:eau-assainissement"))
    kinds = Counter(n.kind for n in before.nodes)
    themes = {n.key for n in before.nodes if n.kind == "theme"}
    # the theme only, not the other themes its actors work on
    assert themes == {"theme:eau-assainissement"}
    assert kinds["project"] > 0 and kinds["commune"] + kinds["departement"] + kinds["region"] > 3
    graph = ctx.graph()
    # every project shown is on water, and every place shown is where such a project is
    projects = {n.key for n in before.nodes if n.kind == "project"}
    assert all(graph.has_edge(p, "theme:eau-assainissement") for p in projects)
    places = {n.key for n in before.nodes if n.kind in ("territory", "country")}
    assert places and all(any(graph.has_edge(p, t) for p in projects) for t in places)
    ctx.close()


def test_a_countrys_actors_are_described_by_their_relations_there(
        ref_store: SqliteStore) -> None:
    """« On what, since when » in a country: themes and first year from the actor's
    relations in that country only, not from its action elsewhere."""
    ctx = Context(ref_store)
    graph = ctx.graph()
    germany = actors.country(ctx, "DE").actors
    for actor in germany:
        there = [(v, d) for _, v, d in graph.out_edges(actor["key"], data=True)
                 if graph.nodes[v].get("country") == "DE" or v == "country:DE"
                 or "DE" in (d.get("countries") or ())]
        years = {int(y) for _, d in there for y in d.get("years") or ()}
        themes = {f"theme:{t}" for _, d in there for t in d.get("themes") or ()} | {
            t for v, _ in there if graph.nodes[v]["kind"] == "project"
            for t in graph.successors(v) if graph.nodes[t]["kind"] == "theme"}
        assert actor["since"] is None or actor["since"] in years, actor["key"]
        assert {t["key"] for t in actor["themes"]} <= themes, actor["key"]
    # not vacuous: some actors there have dated, themed relations
    assert sum(1 for a in germany if a["since"] and a["themes"]) >= 3
    ctx.close()


def test_analyses_after_updates_equal_a_fresh_start(ref_store: SqliteStore) -> None:
    """A server that followed writes from the log answers byte for byte as one started
    after them: suggestions, consortia and gaps."""
    import dataclasses
    import json

    from graph.focus import Focus
    from graph.model import Node, Provenance, Relationship, RelType
    from service import analysis

    def answers(ctx: Context) -> str:
        active = ctx.index().active()
        return json.dumps({
            "suggestions": {a: [dataclasses.asdict(s) for s in analysis.suggestions(ctx, a, 10)]
                            for a in active[::4]},
            "consortia": [dataclasses.asdict(c) for c in analysis.consortia(
                ctx, Focus(countries=["country:SN"]), 5)],
            "gaps": [g.as_dict() for g in analysis.gaps(ctx)],
        }, sort_keys=True, ensure_ascii=False, default=str)

    followed = Context(ref_store)
    before = answers(followed)  # warm: projection, index and per-index values built
    prov = Provenance(source="test", licence="test")
    ref_store.create_node(Node(key="organisation:essai", name="Essai", provenance=prov))
    ref_store.upsert_relationships([
        Relationship(type=RelType.MEMBER_OF, start="commune:86194", end="organisation:essai",
                     provenance=prov),
        Relationship(type=RelType.TWINNED_WITH, start="commune:79191",
                     end="territory:sn-kaolack", props={"years": [2025]}, provenance=prov),
    ])
    marburg = [n.relationship.key for n in ref_store.neighbours("commune:86194", ["TWINNED_WITH"])
               if n.node.key == "territory:de-marburg"]
    assert marburg and all(ref_store.delete_relationship(k) for k in marburg)
    after = answers(followed)
    assert after != before  # the writes changed what the analyses say
    assert followed._projection.refreshes[-1] == "updated"
    assert after == answers(Context(ref_store))
    followed.close()
