"""What a question is about (a focus: countries, places abroad, themes, programmes), and
which of an actor's relations lie in it. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from graph.evidence import kind
from graph.model import INTERNATIONAL_RELS
from graph.wording import name


@dataclass
class Focus:
    countries: list[str] = field(default_factory=list)
    territories: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)

    def items(self) -> list[tuple[str, str]]:
        return ([("country", c) for c in self.countries] +
                [("territory", t) for t in self.territories] +
                [("theme", t) for t in self.themes] + [("partner", p) for p in self.programmes])

    def label(self, graph: nx.MultiDiGraph) -> str:
        return ", ".join(name(graph, k) for _, k in self.items())


def expand_odd(graph: nx.MultiDiGraph, odd: str) -> list[str]:
    """Themes that address an ODD (the theme → ODD map of the vocabulary)."""
    return sorted(src for src, _, d in graph.in_edges(odd, data=True)
                  if d.get("type") == "ADDRESSES" and kind(graph, src) == "theme")


def focus_countries(focus: Focus, graph: nx.MultiDiGraph) -> set[str]:
    return set(focus.countries) | {f"country:{graph.nodes[t].get('country')}"
                                   for t in focus.territories if t in graph}


def in_focus(graph: nx.MultiDiGraph, target: str, focus: Focus) -> bool:
    """Whether a relation's target lies in the focus (its country, territory, theme or
    programme; a project through where it takes place and what it addresses)."""
    countries = focus_countries(focus, graph)
    wanted = set(focus.territories) | set(focus.themes) | set(focus.programmes) | countries
    if target in wanted or f"country:{graph.nodes[target].get('country')}" in countries:
        return True
    if kind(graph, target) == "project":
        return any(in_focus(graph, v, focus) for _, v, d in graph.out_edges(target, data=True)
                   if d.get("type") in ("TAKES_PLACE_IN", "ADDRESSES"))
    return False


def focus_edges(graph: nx.MultiDiGraph, actor: str,
                focus: Focus) -> list[tuple[str, dict[str, object]]]:
    """(target, data) of the actor's relations that lie in the focus (the only ones its
    reasons may cite): by their target, or by the countries or themes their source states
    (a funding for Niger, a cooperation in Ségou on water)."""
    countries = {c.split(":", 1)[1] for c in focus_countries(focus, graph)}
    themes = {t.split(":", 1)[1] for t in focus.themes}
    return [(v, d) for _, v, d in graph.out_edges(actor, data=True)
            if d.get("type") in INTERNATIONAL_RELS and (
                in_focus(graph, v, focus) or countries & set(d.get("countries") or ())
                or themes & set(d.get("themes") or ()))]


def focus_themes(graph: nx.MultiDiGraph, actor: str, focus: Focus,
                 edges: list[tuple[str, dict[str, object]]] | None = None
                 ) -> dict[str, set[str]]:
    """Themes of the actor's relations in the focus (``edges``, by default all of them),
    not of all its action, each with the sources of those relations only: the themes a
    relation states, and those of a project it takes part in."""
    out: dict[str, set[str]] = {}
    for target, d in focus_edges(graph, actor, focus) if edges is None else edges:
        stated = d.get("themes")
        themes = {f"theme:{t}" for t in stated} if isinstance(stated, list) else set()
        if kind(graph, target) == "project":
            themes |= {v for _, v, e in graph.out_edges(target, data=True)
                       if e.get("type") == "ADDRESSES" and kind(graph, v) == "theme"}
        for theme in themes:
            sources = out.setdefault(theme, set())
            if d.get("source"):
                sources.add(str(d["source"]))
    return out


def focus_places(graph: nx.MultiDiGraph, actor: str, focus: Focus) -> dict[str, set[str]]:
    """The countries of the actor's relations in the focus, each with their sources: where
    it works on a theme or in a programme.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("territory:ml-segou", kind="territory", country="ML")
    >>> g.add_node("country:ML", kind="country"); g.add_node("theme:eau", kind="theme")
    >>> _ = g.add_edge("commune:a", "territory:ml-segou", type="COOPERATES_WITH",
    ...                themes=["eau"], source="s1")
    >>> focus_places(g, "commune:a", Focus(themes=["theme:eau"]))
    {'country:ML': {'s1'}}
    """
    out: dict[str, set[str]] = {}
    for target, d in focus_edges(graph, actor, focus):
        stated = {f"country:{c}" for c in d.get("countries") or ()}  # type: ignore[attr-defined]
        targets = [target] if kind(graph, target) != "project" else [
            v for _, v, e in graph.out_edges(target, data=True)
            if e.get("type") == "TAKES_PLACE_IN"]
        for place in targets:
            here = graph.nodes[place].get("country")
            stated |= {place} if kind(graph, place) == "country" else (
                {f"country:{here}"} if here else set())
        for country in (c for c in stated if c in graph):
            out.setdefault(country, set()).update({str(d["source"])} if d.get("source") else set())
    return dict(sorted(out.items()))
