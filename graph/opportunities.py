"""Partner suggestions and consortia, with their explanations in French.

Scores are resource allocation indices computed per kind of evidence: a shared item
held by ``n`` actors adds ``1/n``, so a small foreign town two actors both work with
counts a lot, a network of 200 members little. Kinds are combined with the weights of
:data:`graph.evidence.WEIGHTS`. Candidates come from the reverse index (actors sharing
at least one item: the 2-hop neighbourhood), never from all pairs.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import networkx as nx
import numpy as np

from graph.evidence import (
    WEIGHTS,
    Evidence,
    EvidenceIndex,
    actor_evidence,
    build_index,
    kind,
)
from graph.labels import country_in
from graph.model import COLLECTIVITE_KINDS
from graph.ranking import (
    FEATURES,
    FOCUS_KINDS,
    RECENT_YEARS,
    Model,
    holder_rows,
    likely_items,
    load,
    pair_features,
    positions,
)
from graph.wording import explain, name


@dataclass
class Reason:
    kind: str
    item: str
    text: str
    weight: float
    sources: list[str] = field(default_factory=list)


@dataclass
class Suggestion:
    actor: str
    name: str
    score: float
    reasons: list[Reason]


def _evidence(graph: nx.MultiDiGraph, index: EvidenceIndex, actor: str) -> Evidence:
    return index.by_actor.get(actor) or actor_evidence(graph, actor)


#: Items held by more actors than this (a theme, a large network, a very popular country)
#: are not used to *generate* candidates — they still count in the score, at 1/n. This
#: bounds the candidates of one actor, so their total grows linearly with the graph.
MAX_FANOUT = 150
#: Rarest items first; stop opening new items once this many candidates are found, so
#: one actor's candidates stay bounded however dense the graph gets.
MAX_CANDIDATES = 100


def candidates(index: EvidenceIndex, ev: Evidence) -> set[str]:
    """Actors sharing at least one evidence item with ``ev`` (its 2-hop neighbours),
    reached through its rarest items first, never through hubs (more than
    :data:`MAX_FANOUT` holders)."""
    pivots = sorted((len(index.holders.get((k, item), ())), k, item)
                    for k, items in ev.items.items() for item in items)
    found: set[str] = set()
    for size, ev_kind, item in pivots:
        if size > MAX_FANOUT or len(found) >= MAX_CANDIDATES:
            break
        found |= index.holders.get((ev_kind, item), set())
    found.discard(ev.actor)
    return found


def score_pair(graph: nx.MultiDiGraph, index: EvidenceIndex, a: Evidence,
               b: Evidence) -> tuple[float, list[Reason]]:
    """Weighted resource-allocation score of two actors and the reasons behind it."""
    total = 0.0
    reasons: list[Reason] = []
    for ev_kind, weight in WEIGHTS.items():
        shared = set(a.items[ev_kind]) & set(b.items[ev_kind])
        for item in sorted(shared):
            holders = max(len(index.holders.get((ev_kind, item), ())), 2)
            contribution = weight / holders
            total += contribution
            sources = sorted(a.items[ev_kind][item] | b.items[ev_kind][item])
            reasons.append(Reason(ev_kind, item, explain(graph, ev_kind, item),
                                  round(contribution, 4), sources))
    # Nearness alone does not make a partner: require one shared international item.
    if not any(r.kind in ("territory", "country", "theme", "partner") for r in reasons):
        return 0.0, []
    reasons.sort(key=lambda r: -r.weight)
    return total, reasons


@lru_cache(maxsize=1)
def default_model() -> Model:
    return load()


def _pool(graph: nx.MultiDiGraph, index: EvidenceIndex, ev: Evidence) -> list[str]:
    """The collectivités to rank: active ones, minus the actor and its partners already
    (a shared project, a co-signed agreement, a co-partner)."""
    cached = index.memo.get("opportunities.collectivites")
    if not isinstance(cached, list):
        cached = sorted(a for a in index.by_actor if kind(graph, a) in COLLECTIVITE_KINDS)
        index.memo["opportunities.collectivites"] = cached
    return [other for other in cached if other != ev.actor and other not in ev.allies
            and ev.actor not in index.by_actor[other].allies
            and not ev.projects & index.by_actor[other].projects]


def _feature_reasons(graph: nx.MultiDiGraph, index: EvidenceIndex, other: str,
                     contributions: dict[str, float], ev: Evidence,
                     year: int) -> list[Reason]:
    """The reasons that are not a shared item: activity, recency, nearness."""
    other_ev = index.by_actor[other]
    reasons = []
    if contributions["activity"] + contributions["breadth"] > 0:
        # what the sources show, not a judgement: 2 relations are above the mean, not « très »
        countries, relations = len(other_ev.items["country"]), other_ev.relations
        reasons.append(Reason("activite", other, f"actif à l'international : {relations} "
                              f"relation{'s' if relations > 1 else ''}, {countries} pays",
                              round(contributions["activity"] + contributions["breadth"], 4)))
    if contributions["recent"] > 0 and other_ev.years and \
            year - max(other_ev.years) < RECENT_YEARS:
        reasons.append(Reason("recent", other, f"actif récemment (dernière année citée : "
                              f"{max(other_ev.years)})", round(contributions["recent"], 4)))
    shared_deps = sorted(set(ev.items["departement"]) & set(other_ev.items["departement"]))
    if shared_deps and contributions["same_departement"] > 0:
        reasons.append(Reason("departement", shared_deps[0], "actif dans votre département : "
                              + name(graph, shared_deps[0]),
                              round(contributions["same_departement"], 4)))
    return reasons


def suggest_partners(graph: nx.MultiDiGraph, actor: str, k: int = 10,
                     index: EvidenceIndex | None = None, model: Model | None = None,
                     year: int | None = None, exclude: Collection[str] = ()) -> list[Suggestion]:
    """Top-``k`` collectivités ``actor`` should work with, best first, with reasons.

    The fitted model of :mod:`graph.ranking` says which countries and partners the actor's
    next (or unrecorded) partnerships are likely about, and how each pair scores; the list
    is built greedily so that each new suggestion covers likely places the ones before it
    do not (a list of ten actors all present in one country answers one question only).
    Partners already (a shared project, a co-signed agreement) are left out; ties go to
    the more recent, then the more active. An actor with no international action yet gets
    the same ranking, from where the collectivités near it act (« comme 8 collectivités de
    votre département »); putting its EPCI and département first lost on the validation
    seeds (docs/analysis.md). ``exclude``: actors
    not to suggest (those the user knows already, the network's hubs).

    >>> g = nx.MultiDiGraph()
    >>> for key, kd in [("commune:a", "commune"), ("commune:b", "commune"),
    ...                 ("commune:c", "commune"), ("territory:bf-kaya", "territory"),
    ...                 ("country:BF", "country"), ("country:SN", "country")]:
    ...     g.add_node(key, kind=kd, name=key.split(":")[1])
    >>> _ = g.add_edge("territory:bf-kaya", "country:BF", type="LOCATED_IN")
    >>> _ = g.add_edge("commune:a", "territory:bf-kaya", type="TWINNED_WITH", source="s1")
    >>> _ = g.add_edge("commune:b", "territory:bf-kaya", type="COOPERATES_WITH", source="s2")
    >>> _ = g.add_edge("commune:c", "country:SN", type="COOPERATES_WITH", source="s3")
    >>> sorted(s.actor for s in suggest_partners(g, "commune:a"))
    ['commune:b', 'commune:c']
    """
    index = index or build_index(graph)
    year = year or date.today().year
    model = model or default_model()
    ev = _evidence(graph, index, actor)
    pool = [c for c in _pool(graph, index, ev) if c not in set(exclude)]
    likely = likely_items(index, ev, set(pool))
    rows = pair_features(graph, index, ev, pool, year, likely)
    pair_scores = model.pairs.score(rows)
    items = sorted(likely)
    chance = dict(zip(items, model.items.score(np.array([likely[i] for i in items]))
                      if items else [], strict=True))
    at = positions(index, pool)
    held = {item: holder_rows(index, at, item) for item in items}
    # what each candidate would add: the chance of the likely items it covers that the
    # suggestions already chosen do not, plus its pair score; kept up to date as we go
    fresh = np.zeros(len(pool))
    for item in items:
        fresh[held[item]] += float(chance[item])
    base = model.blend * pair_scores
    recent, activity = FEATURES.index("recent"), FEATURES.index("activity")
    alive = np.ones(len(pool), dtype=bool)
    covered: set[tuple[str, str]] = set()
    results: list[Suggestion] = []
    while alive.any() and len(results) < k:
        total = np.round(np.where(alive, fresh + base, -np.inf), 6)
        tied = np.flatnonzero(total == total.max())
        best = int(min(tied, key=lambda i: (-rows[i, recent], -rows[i, activity], pool[i])))
        alive[best] = False
        score = round(float(total[best]), 4)
        other = pool[best]
        mine = index.by_actor[other].items
        new = sorted((x for x in ((k, i) for k in FOCUS_KINDS for i in mine[k])
                      if x in chance and x not in covered),
                     key=lambda x: (-float(chance[x]), x))
        for item in new:
            covered.add(item)
            fresh[held[item]] -= float(chance[item])
        reasons = (_shared_reasons(graph, index, ev, index.by_actor[other])
                   + _likely_reasons(graph, index, ev, new[:2], likely)
                   + _feature_reasons(graph, index, other,
                                      model.pairs.contributions(rows[best]), ev, year))
        if not reasons:
            reasons = [Reason("activite", other, "collectivité active à l'international", 0.0)]
        results.append(Suggestion(other, name(graph, other), score, reasons))
    return results


def _likely_reasons(graph: nx.MultiDiGraph, index: EvidenceIndex, ev: Evidence,
                    items: list[tuple[str, str]],
                    likely: dict[tuple[str, str], tuple[float, ...]]) -> list[Reason]:
    """Why a place or partner the candidate has may matter to the actor."""
    # the actors of its départements, from the reverse index (not each holder's evidence)
    near: set[str] = set()
    for dep_key in ev.items["departement"]:
        near |= index.holders.get(("departement", dep_key), set())
    out = []
    for ev_kind, item in items:
        holders = index.holders.get((ev_kind, item), set()) - {ev.actor}
        local = sorted(holders & near)
        pop, dep, cooc, themes, _ = likely[(ev_kind, item)]
        where = f"agit {country_in(name(graph, item))}" if ev_kind == "country" else \
            f"est lié à : {name(graph, item)}"
        if local:
            count = "1 collectivité" if len(local) == 1 else f"{len(local)} collectivités"
            why = f"{where}, comme {count} de votre département"
        elif cooc > 0:
            why = f"{where}, souvent associé à vos propres partenariats"
        elif themes > 0:
            why = f"{where}, où l'on travaille sur vos thèmes"
        elif ev_kind == "country":
            why = (f"{where}, où agit une autre collectivité du réseau" if len(holders) == 1
                   else f"{where}, où agissent {len(holders)} collectivités du réseau")
        else:  # an organisation or a programme is not a place
            why = (f"{where}, comme une autre collectivité du réseau" if len(holders) == 1
                   else f"{where}, comme {len(holders)} collectivités du réseau")
        out.append(Reason("probable", item, why, round(pop + dep + cooc + themes, 4)))
    return out


def _shared_reasons(graph: nx.MultiDiGraph, index: EvidenceIndex, a: Evidence,
                    b: Evidence) -> list[Reason]:
    reasons: list[Reason] = []
    for ev_kind, weight in WEIGHTS.items():
        if ev_kind in ("epci", "departement"):
            continue  # said once, as nearness
        for item in sorted(set(a.items[ev_kind]) & set(b.items[ev_kind])):
            holders = max(len(index.holders.get((ev_kind, item), ())), 2)
            sources = sorted(a.items[ev_kind][item] | b.items[ev_kind][item])
            reasons.append(Reason(ev_kind, item, explain(graph, ev_kind, item),
                                  round(weight / holders, 4), sources))
    reasons.sort(key=lambda r: (-r.weight, r.item))
    return _one_reason(graph, _one_reason(graph, reasons, "country"), "theme")


#: the merged sentence of each kind said once: the shared items follow, rarest first
_MERGED = {"country": "agissent tous deux dans les mêmes pays : ",
           "theme": "travaillent tous deux sur les thèmes : "}


def _one_reason(graph: nx.MultiDiGraph, reasons: list[Reason], kind: str) -> list[Reason]:
    """The shared countries, or themes, said in one reason, rarest first (five lines
    « agissent tous deux dans le même pays » crowd out every other reason of a list)."""
    same = [r for r in reasons if r.kind == kind]
    if len(same) < 2:
        return reasons
    said = [name(graph, r.item) for r in same]
    listed = ", ".join(f"« {n} »" for n in said) if kind == "theme" else ", ".join(said)
    merged = Reason(kind, same[0].item, _MERGED[kind] + listed,
                    round(sum(r.weight for r in same), 4),
                    sorted({s for r in same for s in r.sources}))
    out = [r for r in reasons if r.kind != kind] + [merged]
    out.sort(key=lambda r: (-r.weight, r.item))
    return out


__all__ = ["Reason", "Suggestion", "candidates", "kind", "score_pair", "suggest_partners"]
