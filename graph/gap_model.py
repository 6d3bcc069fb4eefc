"""What a gap rule reads and finds: the context, the items, the gap (the rules are in
:mod:`graph.gaps`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx

from graph.evidence import EvidenceIndex, in_region


@dataclass(frozen=True)
class Unresolved:
    """An open review item: a fact the import could not attach to a collectivité."""

    key: str
    name: str
    reason: str
    file: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class GapContext:
    """What every rule reads."""

    graph: nx.MultiDiGraph
    index: EvidenceIndex
    year: int
    unresolved: tuple[Unresolved, ...] = ()
    #: the home région (INSEE code): territories of other régions are not its gaps
    region: str | None = None

    def home(self, key: str) -> bool:
        return in_region(self.graph, key, self.region)


@dataclass(frozen=True)
class Named:
    key: str
    name: str


@dataclass
class GapItem:
    """One finding. ``detail`` completes the name in one French line; ``advice`` is the next
    step for the actor it concerns (``actor``, or ``key`` when that is an actor)."""

    key: str
    name: str
    detail: str = ""
    advice: str = ""
    kind: str | None = None
    actor: str | None = None
    population: int | None = None
    basin: str | None = None
    problem: str | None = None
    last_year: int | None = None
    actors: list[Named] = field(default_factory=list)
    departements: list[Named] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def concerns(self, actor: str) -> bool:
        return actor in (self.key, self.actor)


@dataclass
class Gap:
    rule: str
    title: str
    explanation: str
    items: list[GapItem] = field(default_factory=list)
    #: Themes the rule is about (a theme's report lists its findings).
    themes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON form, without the fields a rule leaves empty."""
        out = asdict(self)
        out["items"] = [{k: v for k, v in item.items() if v not in (None, "", [])}
                        for item in out["items"]]
        return out
