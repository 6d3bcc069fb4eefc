"""Rank the collectivités an actor could work with: a logistic model on pair features.

Each candidate gets features of the pair (what it shares with the actor, weighted by how
rare each shared item is) and of itself (how active, how recently, what kind of
collectivité). The weights are *fitted* by ``bench/holdout.py --fit`` on training folds of
the hold-out experiment and shipped in ``graph/ranking.json`` with their provenance;
``bench/holdout.md`` shows how the model fares on folds it was not fitted on, against the
simple baselines. Pure functions of the projection; numpy only.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from graph.evidence import Evidence, EvidenceIndex
from graph.model import NodeKind, kind_of

MODEL_FILE = Path(__file__).with_name("ranking.json")
#: Shared-item kinds whose rarity-weighted overlap is a feature (resource allocation).
SHARED = ("territory", "country", "theme", "partner")
#: Where a hidden partnership may be: the countries and partners the actor does *not*
#: visibly work with, scored by how common they are overall (``pop``), among the actor's
#: département (``dep``), among actors sharing its countries (``cooc``) or its themes
#: (``themes``), or among collectivités of its kind (``kind``: communes twin in Europe,
#: départements and the Région cooperate further away). A candidate scores the sum over
#: its own such items.
LIKELY = ("likely_pop", "likely_dep", "likely_cooc", "likely_themes", "likely_kind")
FEATURES = ("activity", "breadth", "recent", *SHARED, "same_epci", "same_departement",
            "region", "departement", "epci", *LIKELY)
#: Kinds of item a hidden partnership is about.
FOCUS_KINDS = ("country", "partner")
RECENT_YEARS = 5
#: added to a share before its log (1 in 1,000: below one actor in the région's ~200)
LOG_FLOOR = 1e-3


def transformed(rows: np.ndarray, transform: str) -> np.ndarray:
    """The features as a model reads them: ``"log"``, ``log(x + LOG_FLOOR)``; else as is."""
    return np.log(rows + LOG_FLOOR) if transform == "log" else rows


def _departements(ev: Evidence) -> set[str]:
    return set(ev.items["departement"])


#: Features of the candidate alone, computed once per index and year.
STATIC = ("activity", "breadth", "recent", "region", "departement", "epci")
_ZERO = (0.0,) * len(STATIC)


def _static(graph: nx.MultiDiGraph, index: EvidenceIndex,
            year: int) -> dict[str, tuple[float, ...]]:
    key = f"ranking.static.{year}"
    cached = index.memo.get(key)
    if isinstance(cached, dict):
        return cached
    out: dict[str, tuple[float, ...]] = {}
    for actor, ev in index.by_actor.items():
        kind = graph.nodes[actor].get("kind") if actor in graph else None
        last = max(ev.years) if ev.years else None
        out[actor] = (math.log1p(ev.relations), math.log1p(len(ev.items["country"])),
                      float(last is not None and year - last < RECENT_YEARS),
                      float(kind == NodeKind.REGION), float(kind == NodeKind.DEPARTEMENT),
                      float(kind == NodeKind.EPCI))
    index.memo[key] = out
    return out


def _by_kind(index: EvidenceIndex) -> dict[str, set[str]]:
    cached = index.memo.get("ranking.by_kind")
    if isinstance(cached, dict):
        return cached
    out: dict[str, set[str]] = {}
    for actor in index.by_actor:
        # keys were checked when written: the prefix is the kind (no pattern match here,
        # once per index, for every actor of the nation)
        out.setdefault(actor.partition(":")[0], set()).add(actor)
    index.memo["ranking.by_kind"] = out
    return out


def positions(index: EvidenceIndex, candidates: list[str]) -> np.ndarray:
    """For every actor of the index (by its number, see :func:`holder_rows`), its row among
    ``candidates``, or -1."""
    ids = _ids(index)
    out = np.full(len(ids), -1, dtype=np.int64)
    for i, c in enumerate(candidates):
        j = ids.get(c)
        if j is not None:
            out[j] = i
    return out


def holder_rows(index: EvidenceIndex, at: np.ndarray, item: tuple[str, str]) -> np.ndarray:
    """The rows (per :func:`positions`) of the candidates that hold ``item``: one array
    operation per item, not one per holder (a country of France has thousands)."""
    arrays = index.memo.setdefault("ranking.holder_ids", {})
    assert isinstance(arrays, dict)
    found = arrays.get(item)
    if found is None:
        ids = _ids(index)
        found = arrays[item] = np.array(sorted(ids[h] for h in index.holders.get(item, ())),
                                        dtype=np.int64)
    rows = at[found]
    return rows[rows >= 0]


def _ids(index: EvidenceIndex) -> dict[str, int]:
    cached = index.memo.get("ranking.ids")
    if not isinstance(cached, dict):
        cached = index.memo["ranking.ids"] = {a: i for i, a in enumerate(sorted(index.by_actor))}
    return cached


def _share(holders: set[str], group: set[str]) -> float:
    return len(holders & group) / len(group) if group else 0.0


def likely_items(index: EvidenceIndex, ev: Evidence,
                 active: set[str]) -> dict[tuple[str, str], tuple[float, ...]]:
    """For every country or partner ``ev`` does not visibly work with: how likely it is
    to be one of its partnerships, by each measure of :data:`LIKELY`."""
    local: set[str] = set()
    for dep in ev.items["departement"]:
        local |= index.holders.get(("departement", dep), set())
    local = (local & active) - {ev.actor}
    mine = {(k, i) for k in FOCUS_KINDS for i in ev.items[k]}
    groups = [index.holders.get(key, set()) - {ev.actor} for key in sorted(mine)]
    themes = [index.holders.get(("theme", t), set()) - {ev.actor}
              for t in sorted(ev.items["theme"])]
    same_kind = (_by_kind(index).get(kind_of(ev.actor).value, set()) & active) - {ev.actor}
    out: dict[tuple[str, str], tuple[float, ...]] = {}
    for (kind, item), holders in index.holders.items():
        if kind not in FOCUS_KINDS or (kind, item) in mine:
            continue
        others = holders - {ev.actor}
        if not others:
            continue
        cooc = sum(_share(others, g) for g in groups) / len(groups) if groups else 0.0
        by_theme = sum(_share(others, g) for g in themes) / len(themes) if themes else 0.0
        out[(kind, item)] = (len(others) / max(len(active), 1), _share(others, local),
                             cooc, by_theme, _share(others, same_kind))
    return out


def pair_features(graph: nx.MultiDiGraph, index: EvidenceIndex, ev: Evidence,
                  candidates: list[str], year: int,
                  likely: dict[tuple[str, str], tuple[float, ...]] | None = None) -> np.ndarray:
    """One row per candidate, one column per name of :data:`FEATURES`.

    >>> g = nx.MultiDiGraph()
    >>> for k, kd in [("commune:a", "commune"), ("commune:b", "commune"),
    ...               ("territory:bf-kaya", "territory"), ("country:BF", "country")]:
    ...     g.add_node(k, kind=kd, name=k)
    >>> _ = g.add_edge("territory:bf-kaya", "country:BF", type="LOCATED_IN")
    >>> _ = g.add_edge("commune:a", "territory:bf-kaya", type="TWINNED_WITH", years=[2024])
    >>> _ = g.add_edge("commune:b", "territory:bf-kaya", type="TWINNED_WITH", years=[1990])
    >>> from graph.evidence import build_index
    >>> index = build_index(g, 2026)
    >>> row = pair_features(g, index, index.by_actor["commune:a"], ["commune:b"], 2026)[0]
    >>> features = dict(zip(FEATURES, row.tolist()))
    >>> features["territory"], features["recent"]
    (0.5, 0.0)
    """
    rows = np.zeros((len(candidates), len(FEATURES)), dtype=np.float64)
    column = {name: i for i, name in enumerate(FEATURES)}
    position = {c: i for i, c in enumerate(candidates)}
    at = positions(index, candidates)
    # rarity-weighted overlap, accumulated from the actor's own items (sparse)
    for ev_kind in SHARED:
        for item in ev.items[ev_kind]:
            weight = 1.0 / max(len(index.holders.get((ev_kind, item), ())), 2)
            rows[holder_rows(index, at, (ev_kind, item)), column[ev_kind]] += weight
    if likely is None:
        likely = likely_items(index, ev, set(position))
    first = column[LIKELY[0]]
    if likely:
        held = [holder_rows(index, at, item) for item in likely]
        where = np.concatenate(held)
        values = np.repeat(np.array(list(likely.values())), [len(h) for h in held], axis=0)
        for c in range(len(LIKELY)):
            rows[:, first + c] += np.bincount(where, weights=values[:, c],
                                              minlength=len(candidates))
    static = _static(graph, index, year)
    if candidates:
        rows[:, [column[n] for n in STATIC]] = [static.get(c, _ZERO) for c in candidates]
    for ev_kind, name in (("epci", "same_epci"), ("departement", "same_departement")):
        near: set[str] = set()
        for item in ev.items[ev_kind]:
            near |= index.holders.get((ev_kind, item), set())
        for other in near:
            if other in position:
                rows[position[other], column[name]] = 1.0
    return rows


@dataclass(frozen=True)
class Ranker:
    """A logistic model over standardised features, with where its weights come from."""

    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]
    scales: tuple[float, ...]
    source: str
    features: tuple[str, ...] = FEATURES
    #: ``"log"``: the features are read as ``log(x + LOG_FLOOR)`` (shares that span three
    #: orders of magnitude, where a linear weight sees only the largest)
    transform: str = ""

    def inputs(self, rows: np.ndarray) -> np.ndarray:
        return transformed(rows, self.transform)

    def score(self, rows: np.ndarray) -> np.ndarray:
        """Probability-like scores in (0, 1), one per row."""
        if rows.size == 0:
            return np.zeros(0)
        z = (self.inputs(rows) - np.array(self.means)) / np.array(self.scales)
        logits = np.clip(z @ np.array(self.weights) + self.bias, -30, 30)
        return np.asarray(1.0 / (1.0 + np.exp(-logits)))

    def contributions(self, row: np.ndarray) -> dict[str, float]:
        """How much each feature moved this candidate's score (in logit units)."""
        z = (self.inputs(row) - np.array(self.means)) / np.array(self.scales)
        return {name: float(w * v)
                for name, w, v in zip(self.features, self.weights, z, strict=True)}

    def as_dict(self) -> dict[str, object]:
        return {"features": list(self.features), "weights": list(self.weights),
                "bias": self.bias, "means": list(self.means), "scales": list(self.scales),
                "source": self.source, **({"transform": self.transform} if self.transform else {})}

    @classmethod
    def of(cls, body: dict[str, Any], expected: tuple[str, ...]) -> Ranker:
        if tuple(body["features"]) != expected:
            raise ValueError("graph/ranking.json : caractéristiques inattendues, relancer "
                             "bench/holdout.py --fit")
        return cls(tuple(body["weights"]), float(body["bias"]), tuple(body["means"]),
                   tuple(body["scales"]), str(body["source"]), expected,
                   str(body.get("transform", "")))


@dataclass(frozen=True)
class Model:
    """The two fitted parts: which countries or partners an actor's unseen partnerships
    are likely about (``items``), and how a candidate pair scores (``pairs``)."""

    pairs: Ranker
    items: Ranker
    #: weight of the pair score beside the likely items a candidate covers
    blend: float = 0.5

    def save(self, path: Path = MODEL_FILE) -> None:
        body = {"pairs": self.pairs.as_dict(), "items": self.items.as_dict(),
                "blend": self.blend}
        path.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def fit(rows: np.ndarray, labels: np.ndarray, source: str, l2: float = 1e-3,
        iterations: int = 30, features: tuple[str, ...] = FEATURES,
        transform: str = "") -> Ranker:
    """Fit a logistic regression (classes balanced, small L2 penalty) by Newton's method.

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(400, len(FEATURES)))
    >>> y = (x[:, FEATURES.index("country")] > 0).astype(float)
    >>> model = fit(x, y, "test")
    >>> int(np.argmax(model.weights)) == FEATURES.index("country")
    True
    """
    rows = transformed(rows, transform)
    means = rows.mean(axis=0)
    scales = rows.std(axis=0)
    scales[scales == 0] = 1.0
    z = np.hstack([(rows - means) / scales, np.ones((len(rows), 1))])
    positives = max(float(labels.sum()), 1.0)
    negatives = max(float(len(labels) - labels.sum()), 1.0)
    sample = np.where(labels > 0, 0.5 / positives, 0.5 / negatives)
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # the intercept is not penalised
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -30, 30)))
        gradient = z.T @ ((p - labels) * sample) + penalty * beta
        hessian = (z * (sample * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return Ranker(tuple(float(x) for x in beta[:-1]), float(beta[-1]),
                  tuple(float(x) for x in means), tuple(float(x) for x in scales), source,
                  features, transform)


def load(path: Path = MODEL_FILE) -> Model:
    body = json.loads(path.read_text(encoding="utf-8"))
    return Model(Ranker.of(body["pairs"], FEATURES), Ranker.of(body["items"], LIKELY),
                 float(body.get("blend", 0.5)))
