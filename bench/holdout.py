"""Hold-out experiment: do the partner suggestions recover hidden relations, better than
the obvious answers?

    .venv/bin/python bench/holdout.py          # evaluate; writes bench/holdout.md
    .venv/bin/python bench/holdout.py --fit    # fit graph/ranking.json on the training folds

Protocol (seeded, general, no tuning to single cases), on the real bundled facts:

* Each international fact of a collectivité (twinning, cooperation, project, funding,
  programme, membership, volunteering) has a *focus*: the country of its foreign partner
  or project, or else the organisation or programme itself, and then also each country
  its source states (a funding for an action in Niger). A (collectivité, focus) pair is
  *eligible* when at least one other collectivité shares the focus.
* The collectivités are split once, with a fixed seed, into a **training** half and a
  **test** half. ``--fit`` hides pairs of training actors only (seeds 1–30); the evaluation
  hides pairs of test actors only (seeds 101–130): the model is never judged on actors
  whose hidden facts it was fitted on.
* For a seed, 25 % of the eligible pairs of the half are hidden: every relation of the
  actor with that focus, and everything derived from the same source lines (its themes,
  its co-partners, co-signatures with it). A **leakage check** verifies that the hidden
  focus no longer appears in the actor's evidence.
* Every method ranks the same pool (the active collectivités, minus the actor) on the same
  reduced graph; a hit is a collectivité that shares the hidden focus in the full graph.

Baselines: random; popularity (most relations); popularity within the actor's
département first; popularity with the 5 most connected actors removed from every list.
Measures: hit@5, hit@10, precision@5, MRR@10, overall and by stratum (cold start: the
actor has no international evidence left; non-hubs: what is sought excludes the 5 hubs,
and every list is stripped of them; by kind of hidden relation).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.evidence import (
    Evidence,
    EvidenceIndex,
    actor_evidence,
    build_index,
    focused,
    in_region,
)
from graph.model import COLLECTIVITE_KINDS
from graph.opportunities import _pool, suggest_partners
from graph.projection import to_networkx
from graph.ranking import LIKELY, MODEL_FILE, Model, fit, likely_items, pair_features
from graph.sqlite_store import SqliteStore
from ingest.reference.load import load_reference

FACT_TYPES = {"TWINNED_WITH", "COOPERATES_WITH", "PARTICIPATES_IN", "FUNDED_BY",
              "VOLUNTEERS_WITH", "MEMBER_OF"}
TRAIN_SEEDS = tuple(range(1, 31))
VALIDATION_SEEDS = tuple(range(201, 221))
TEST_SEEDS = tuple(range(101, 131))
BLENDS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0)
#: the stratum where every list is stripped of the hubs, and only non-hubs are sought
NON_HUBS = "hors hubs (listes sans les 5 hubs)"
SPLIT_SEED = 2026
SHARE = 0.25
#: The home région: its collectivités' facts are hidden and ranked, as the product ranks
#: them (the store holds all of France; suggestions are the région's network).
REGION = "75"
HUBS = 5
YEAR = 2026
METHODS = ("maillage", "populaires", "populaires du département", "populaires sans hubs",
           "aléatoire")


def real_graph() -> nx.MultiDiGraph:
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "h.db")
        load_reference(store)
        graph = to_networkx(*store.export())
        store.close()
    return graph


def focus(graph: nx.MultiDiGraph, target: str) -> str:
    """The country of a foreign place or project, else the partner itself."""
    data = graph.nodes[target]
    if data.get("kind") == "territory" and data.get("country"):
        return f"country:{data['country']}"
    if data.get("kind") == "project":
        places = sorted(v for _, v, d in graph.out_edges(target, data=True)
                        if d.get("type") == "TAKES_PLACE_IN")
        for place in places:
            if graph.nodes[place].get("kind") == "country":
                return str(place)
        if places:
            return focus(graph, str(places[0]))
    return str(target)


def places(graph: nx.MultiDiGraph, target: str, data: dict[str, Any] | None = None
           ) -> set[str]:
    """Every focus a fact reveals: its target's (a project in several countries: all of
    them), and the countries its source states (a funding for an action in Niger)."""
    stated = {f"country:{c}" for c in (data or {}).get("countries") or ()
              if f"country:{c}" in graph}
    if graph.nodes[target].get("kind") == "project":
        return {focus(graph, str(v)) for _, v, d in graph.out_edges(target, data=True)
                if d.get("type") == "TAKES_PLACE_IN"} | {focus(graph, target)} | stated
    return {focus(graph, target)} | stated


Fact = tuple[str, str, str]


def facts(graph: nx.MultiDiGraph) -> dict[tuple[str, str], list[Fact]]:
    """(actor, focus) → the fact edges behind it (collectivités' own facts)."""
    found: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for u, v, k, d in graph.edges(keys=True, data=True):
        if (d.get("type") in FACT_TYPES and "#" in k and not d.get("joint")
                and graph.nodes[u].get("kind") in COLLECTIVITE_KINDS
                and in_region(graph, u, REGION)
                and graph.nodes[v].get("kind") not in COLLECTIVITE_KINDS):
            # a partner's fact counts for the countries it states too, as the evidence does
            partner = graph.nodes[v].get("kind") in ("organisation", "programme")
            for seen in sorted(places(graph, v, d) if partner else {focus(graph, v)}):
                found[(u, seen)].append((u, v, k))
    return found


def hide(graph: nx.MultiDiGraph, hidden: list[tuple[str, str]],
         by_pair: dict[tuple[str, str], list[Fact]]) -> nx.MultiDiGraph:
    """The graph without the hidden facts and all that the same source lines gave."""
    reduced = graph.copy()
    for actor, target in hidden:
        edges = by_pair[(actor, target)]
        origins = {graph.edges[u, v, k].get("origin") for u, v, k in edges} - {None}
        doomed = set(edges)
        for u, v, k, d in graph.edges(actor, keys=True, data=True):
            if d.get("origin") in origins or target in places(graph, v, d):
                doomed.add((u, v, k))
        for u, v, k, d in graph.in_edges(actor, keys=True, data=True):
            if d.get("joint") and d.get("via") and focus(graph, d["via"]) == target:
                doomed.add((u, v, k))
        for u, v, k in doomed:
            if reduced.has_edge(u, v, key=k):
                reduced.remove_edge(u, v, key=k)
    return reduced


def leaks(index: EvidenceIndex, hidden: list[tuple[str, str]]) -> int:
    """Hidden pairs whose focus is still in the actor's evidence."""
    count = 0
    for actor, target in hidden:
        ev = index.by_actor.get(actor)
        if ev is not None and any(target in items for items in ev.items.values()):
            count += 1
    return count


def split(graph: nx.MultiDiGraph, by_pair: dict[tuple[str, str], list[Fact]]
          ) -> tuple[set[str], set[str]]:
    actors = sorted({a for a, _ in by_pair})
    random.Random(SPLIT_SEED).shuffle(actors)
    half = len(actors) // 2
    return set(actors[:half]), set(actors[half:])


@dataclass
class Case:
    actor: str
    target: str
    kind: str
    relevant: set[str]
    cold: bool
    pool: list[str]


@dataclass
class Fold:
    reduced: nx.MultiDiGraph
    index: EvidenceIndex
    cases: list[Case] = field(default_factory=list)
    leaks: int = 0


def fold(graph: nx.MultiDiGraph, by_pair: dict[tuple[str, str], list[Fact]],
         actors: set[str], seed: int) -> Fold:
    reached: dict[str, set[str]] = defaultdict(set)
    for actor, target in by_pair:
        reached[target].add(actor)
    eligible = sorted(p for p in by_pair if p[0] in actors and len(reached[p[1]]) >= 2)
    rng = random.Random(seed)
    hidden = rng.sample(eligible, max(1, int(len(eligible) * SHARE)))
    reduced = hide(graph, hidden, by_pair)
    index = focused(build_index(reduced, YEAR), reduced, REGION)
    out = Fold(reduced, index, leaks=leaks(index, hidden))
    for actor, target in hidden:
        ev = index.by_actor.get(actor)
        evidence = ev if ev is not None else _empty(reduced, index, actor)
        kind = str(graph.edges[by_pair[(actor, target)][0]].get("type"))
        out.cases.append(Case(actor, target, kind, reached[target] - {actor},
                              ev is None or not ev.international,
                              _pool(reduced, index, evidence)))
    return out


def _empty(graph: nx.MultiDiGraph, index: EvidenceIndex, actor: str) -> Evidence:
    return actor_evidence(graph, actor, YEAR)


def rankings(f: Fold, case: Case, ranker: Model | None, hubs: set[str],
             rng: random.Random) -> dict[str, list[str]]:
    index = f.index
    popular = sorted(case.pool, key=lambda a: (-index.by_actor[a].relations, a))
    ev = index.by_actor.get(case.actor)
    deps = set(ev.items["departement"]) if ev else {
        f"departement:{f.reduced.nodes[case.actor].get('departement')}"}
    local = [a for a in popular if deps & set(index.by_actor[a].items["departement"])]
    return {
        "maillage": [s.actor for s in suggest_partners(f.reduced, case.actor, 10, index,
                                                       ranker, YEAR)],
        "populaires": popular[:10],
        "populaires du département": (local + [a for a in popular if a not in local])[:10],
        "populaires sans hubs": [a for a in popular if a not in hubs][:10],
        "aléatoire": rng.sample(case.pool, min(10, len(case.pool))),
    }


def measures(ranked: list[str], relevant: set[str]) -> dict[str, float]:
    rr = next((1.0 / (i + 1) for i, a in enumerate(ranked[:10]) if a in relevant), 0.0)
    return {"hit@5": float(bool(set(ranked[:5]) & relevant)),
            "hit@10": float(bool(set(ranked[:10]) & relevant)),
            "precision@5": len(set(ranked[:5]) & relevant) / 5, "MRR@10": rr}


Strata = dict[str, dict[str, dict[str, list[float]]]]  # stratum → method → measure → values


def evaluate(graph: nx.MultiDiGraph, ranker: Model | None, seed: int,
             by_pair: dict[tuple[str, str], list[Fact]], actors: set[str],
             hubs: set[str]) -> tuple[Strata, int, int]:
    f = fold(graph, by_pair, actors, seed)
    rng = random.Random(seed * 7919)
    out: Strata = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for case in f.cases:
        lists = rankings(f, case, ranker, hubs, rng)
        strata = ["tous", f"relation {case.kind}"] + (["démarrage à froid"] if case.cold else [])
        for method, ranked in lists.items():
            for stratum in strata:
                for name, value in measures(ranked, case.relevant).items():
                    out[stratum][method][name].append(value)
            sought = case.relevant - hubs
            if sought:
                stripped = [a for a in ranked if a not in hubs]
                if method == "maillage":  # ranked anew without them, like the others
                    stripped = [s.actor for s in suggest_partners(
                        f.reduced, case.actor, 10, f.index, ranker, YEAR, exclude=hubs)]
                for name, value in measures(stripped, sought).items():
                    out[NON_HUBS][method][name].append(value)
    return out, len(f.cases), f.leaks


def training_rows(graph: nx.MultiDiGraph, by_pair: dict[tuple[str, str], list[Fact]],
                  actors: set[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pair rows (candidate shares the hidden focus?) and item rows (is this country or
    partner the hidden focus?) from the training folds."""
    rows, labels, item_rows, item_labels = [], [], [], []
    for seed in TRAIN_SEEDS:
        f = fold(graph, by_pair, actors, seed)
        for case in f.cases:
            ev = f.index.by_actor.get(case.actor) or _empty(f.reduced, f.index, case.actor)
            likely = likely_items(f.index, ev, set(case.pool))
            rows.append(pair_features(f.reduced, f.index, ev, case.pool, YEAR, likely))
            labels.append(np.array([float(a in case.relevant) for a in case.pool]))
            for (_, item), values in sorted(likely.items()):
                item_rows.append(values)
                item_labels.append(float(item == case.target))
    return (np.vstack(rows), np.concatenate(labels), np.array(item_rows),
            np.array(item_labels))


def fit_model(graph: nx.MultiDiGraph, by_pair: dict[tuple[str, str], list[Fact]],
              train: set[str], hubs: set[str]) -> Model:
    """Fit both parts on the training folds, then choose the blend on validation folds
    (other seeds, same training actors): the test half is never looked at."""
    rows, labels, item_rows, item_labels = training_rows(graph, by_pair, train)
    source = (f"ajusté par bench/holdout.py --fit : graines {TRAIN_SEEDS[0]}–{TRAIN_SEEDS[-1]},"
              f" moitié « entraînement » ({len(train)} collectivités), "
              f"{int(labels.sum())} paires positives sur {len(labels)}")
    pairs = fit(rows, labels, source)
    # the item measures are shares from 1 in 1,000 to 1: read on a log scale (validation
    # seeds, blend 1.0: hit@5 0.898 → 0.904, non-hubs hit@10 0.901 → 0.917)
    items = fit(item_rows, item_labels, source, features=LIKELY, transform="log")
    best: tuple[float, float] | None = None
    for blend in BLENDS:
        model = Model(pairs, items, blend)
        # the measures the target names: all pairs, and non-hubs against lists without hubs
        measured = {(stratum, k): 0.0 for stratum in ("tous", NON_HUBS)
                    for k in ("hit@5", "hit@10")}
        for seed in VALIDATION_SEEDS:
            result, _, _ = evaluate(graph, model, seed, by_pair, train, hubs)
            for stratum, k in measured:
                measured[(stratum, k)] += mean(result[stratum]["maillage"][k]) / len(
                    VALIDATION_SEEDS)
        score = sum(measured.values()) / len(measured)
        print(f"validation : mélange {blend} → {score:.3f} ("
              + ", ".join(f"{s[:4]} {k} {v:.3f}" for (s, k), v in measured.items()) + ")")
        if best is None or score > best[1]:
            best = (blend, score)
    assert best is not None
    return Model(pairs, items, best[0])


def mean(values: list[float]) -> float:
    return statistics.mean(values) if values else float("nan")


def report(per_seed: list[Strata], cases: list[int], leaked: int, model: Model,
           transfer: str | None = None) -> str:
    where = (f"sur toutes les collectivités de la région {transfer}, que le modèle n'a "
             "jamais vues (il est ajusté sur la Nouvelle-Aquitaine) : un transfert"
             if transfer else "sur la moitié « test » des collectivités")
    lines = ["# Expérience de validation (hold-out) des suggestions de partenaires"
             + (f" : région {transfer}" if transfer else ""), "",
             "Commandes : `.venv/bin/python bench/holdout.py --fit` (ajuste "
             "`graph/ranking.json` sur les plis d'entraînement), puis "
             "`.venv/bin/python bench/holdout.py` (évalue, écrit `holdout.md`) ; "
             "`--region CODE` évalue le même modèle sur une autre région (écrit "
             "`holdout-CODE.md`). Méthode : docstring de `bench/holdout.py`.", "",
             f"- Graines d'évaluation : {TEST_SEEDS[0]}–{TEST_SEEDS[-1]} ({len(TEST_SEEDS)}), "
             f"{where} ; modèle ajusté sur les graines "
             f"{TRAIN_SEEDS[0]}–{TRAIN_SEEDS[-1]} de "
             f"{'la moitié « entraînement » de la Nouvelle-Aquitaine' if transfer else 'l’autre moitié'}"
             f" ({model.pairs.source}), mélange {model.blend} choisi sur les graines de "
             f"validation {VALIDATION_SEEDS[0]}–{VALIDATION_SEEDS[-1]} de cette même moitié (moyenne des "
             "hit@5 et hit@10, tous couples et hors hubs : les mesures de l'objectif).",
             f"- Couples (collectivité, foyer) cachés par graine : {min(cases)} à {max(cases)}"
             f" ; {int(SHARE * 100)} % des couples éligibles.",
             f"- Fuites (foyer caché encore visible dans les indices de l'acteur) : {leaked}.",
             ""]
    wins = {}
    for rival in ("populaires", "populaires du département", "populaires sans hubs",
                  "aléatoire"):
        for name in ("hit@5", "hit@10"):
            ahead = sum(mean(s["tous"]["maillage"][name]) > mean(s["tous"][rival][name])
                        for s in per_seed)
            level = sum(mean(s["tous"]["maillage"][name]) == mean(s["tous"][rival][name])
                        for s in per_seed)
            wins[(rival, name)] = (ahead, level)
    lines += ["## Graines où Maillage devance chaque référence (tous les couples)", "",
              "| référence | hit@5 : devant (égal) | hit@10 : devant (égal) |", "|---|---|---|"]
    for rival in ("populaires", "populaires du département", "populaires sans hubs",
                  "aléatoire"):
        a5, e5 = wins[(rival, "hit@5")]
        a10, e10 = wins[(rival, "hit@10")]
        lines.append(f"| {rival} | {a5}/{len(per_seed)} ({e5}) | {a10}/{len(per_seed)} ({e10}) |")
    lines.append("")
    a5, a10 = wins[("populaires", "hit@5")][0], wins[("populaires", "hit@10")][0]
    met = a5 >= 25 and a10 >= 25
    hub = NON_HUBS
    ours = {m: mean([v for s in per_seed for v in s[hub]["maillage"][m]])
            for m in ("hit@5", "hit@10")}
    theirs = {m: mean([v for s in per_seed for v in s[hub]["populaires sans hubs"][m]])
              for m in ("hit@5", "hit@10")}
    hub_wins = {m: sum(mean(s[hub]["maillage"][m]) > mean(s[hub]["populaires sans hubs"][m])
                       for s in per_seed) for m in ("hit@5", "hit@10")}
    def overall(stratum: str, method: str, name: str) -> float:
        return mean([v for s in per_seed if stratum in s for v in s[stratum][method][name]])

    def versus(stratum: str, name: str) -> str:
        a, b = overall(stratum, "maillage", name), overall(stratum, "populaires", name)
        return f"{a:.3f} contre {b:.3f} ({'gain' if a > b else 'égalité' if a == b else 'perte'})"

    e5, e10 = wins[("populaires", "hit@5")][1], wins[("populaires", "hit@10")][1]
    hubs_met = all(ours[m] > theirs[m] for m in ("hit@5", "hit@10"))
    lines += ["## Lecture", "",
              f"Objectif : devancer la liste des plus actifs sur au moins 25 graines sur 30, à "
              f"hit@5 et à hit@10. **{'Atteint' if met else 'Non atteint'}** : devant sur "
              f"{a5}/30 graines à hit@5 et {a10}/30 à hit@10 (égalités : {e5} et {e10}). "
              f"Face aux plus actifs, tous couples : précision@5 {versus('tous', 'precision@5')}"
              f", MRR@10 {versus('tous', 'MRR@10')} ; démarrages à froid, hit@5 "
              f"{versus('démarrage à froid', 'hit@5')}. Hors des 5 acteurs les plus connectés "
              f"(listes recalculées sans eux) : Maillage {ours['hit@5']:.3f} / "
              f"{ours['hit@10']:.3f} (hit@5 / hit@10) contre {theirs['hit@5']:.3f} / "
              f"{theirs['hit@10']:.3f} pour les plus actifs sans hubs, devant sur "
              f"{hub_wins['hit@5']}/30 et {hub_wins['hit@10']}/30 graines : "
              f"**{'devant aux deux mesures' if hubs_met else 'pas devant aux deux mesures'}**.",
              ""]
    strata = sorted({k for s in per_seed for k in s}, key=lambda k: (k != "tous", k))
    for stratum in strata:
        n = sum(len(s[stratum]["maillage"]["hit@5"]) for s in per_seed if stratum in s)
        lines += [f"## {stratum} ({n} cas sur {len(per_seed)} graines)", "",
                  "| méthode | hit@5 | hit@10 | précision@5 | MRR@10 |", "|---|---|---|---|---|"]
        for method in METHODS:
            cells = []
            for name in ("hit@5", "hit@10", "precision@5", "MRR@10"):
                values = [v for s in per_seed if stratum in s
                          for v in s[stratum][method][name]]
                per = [mean(s[stratum][method][name]) for s in per_seed
                       if stratum in s and s[stratum][method][name]]
                spread = statistics.pstdev(per) if len(per) > 1 else 0.0
                cells.append(f"{mean(values):.2f} (± {spread:.2f})")
            lines.append(f"| {method} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["## Poids du modèle (variables centrées réduites)", "",
              "| partie | variable | poids |", "|---|---|---|"]
    for part, ranker in (("paires", model.pairs), ("lieux probables", model.items)):
        part += " (log)" if ranker.transform == "log" else ""
        lines += [f"| {part} | {name} | {w:+.2f} |"
                  for name, w in zip(ranker.features, ranker.weights, strict=True)]
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="ajuster graph/ranking.json")
    parser.add_argument("--region", help="évaluer le modèle ajusté sur une autre région "
                                         "(code INSEE : 53 pour la Bretagne)")
    args = parser.parse_args(argv)
    global REGION
    transfer = args.region if args.region and args.region != REGION else None
    if transfer and args.fit:
        parser.error("--fit ajuste sur la Nouvelle-Aquitaine seulement")
    REGION = transfer or REGION
    graph = real_graph()
    by_pair = facts(graph)
    train, test = split(graph, by_pair)
    if transfer:  # the model never saw this région: every actor of it is a test actor
        test = train | test
    full = focused(build_index(graph, YEAR), graph, REGION)
    active = [a for a in full.by_actor if graph.nodes[a].get("kind") in COLLECTIVITE_KINDS]
    hubs = set(sorted(active, key=lambda a: (-full.by_actor[a].relations, a))[:HUBS])
    if args.fit:
        model = fit_model(graph, by_pair, train, hubs)
        model.save(MODEL_FILE)
        print(f"{MODEL_FILE} écrit : {model.pairs.source} ; mélange {model.blend}")
        return
    from graph.ranking import load

    ranker = load()
    per_seed, cases, leaked = [], [], 0
    for seed in TEST_SEEDS:
        result, n, leak = evaluate(graph, ranker, seed, by_pair, test, hubs)
        per_seed.append(result)
        cases.append(n)
        leaked += leak
    text = report(per_seed, cases, leaked, ranker, transfer)
    out = f"holdout-{transfer}.md" if transfer else "holdout.md"
    Path(__file__).with_name(out).write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
