"""One place, one node: merging a duplicate into the node it repeats, and undoing it.

``merge_nodes(store, a, b)`` moves every relation of ``a`` (and every attestation of them)
to ``b``, records ``a``'s names as aliases of ``b``, deletes ``a``, and keeps an audit record
(a settled review item of the template « fusion ») holding everything needed to undo it:
``undo_merge`` puts the graph back as it was, in one unit of work.

Probable duplicates are found at import (:func:`probable_duplicates`): foreign places of
the same country whose names are close; they go to the review list, never merged alone.
"""

from __future__ import annotations

import hashlib
import json
import math
import re

import numpy as np
from rapidfuzz import fuzz, process

from graph.attestations import merge
from graph.model import Node, Relationship, ReviewItem, now_iso
from graph.store import GraphStore
from ingest.text import foreign_slug

MERGE_TEMPLATE = "fusion"
DUPLICATE_TEMPLATE = "doublon"
#: Names this close (rapidfuzz ratio on their core words) are probably one place.
CLOSE_NAMES = 92


class MergeError(Exception):
    """A merge or an undo that cannot be done; the message is French."""


def _core(node: Node) -> str:
    return foreign_slug(node.name)[0].replace("-", " ")


def probable_duplicates(new: list[Node], known: list[Node]) -> list[tuple[Node, Node]]:
    """Pairs (new place, known place) of the same country whose names are close, or one of
    which begins with the other (« Plateau Central » and « Région du Plateau Central et … »).

    >>> from graph.model import Provenance
    >>> p = Provenance(source="t", licence="t")
    >>> def place(key, name):
    ...     return Node(key=key, name=name, props={"country": "BF"}, provenance=p)
    >>> [(a.key, b.key) for a, b in probable_duplicates(
    ...     [place("territory:bf-kaya-ville", "Kaya ville")],
    ...     [place("territory:bf-kaya", "Kaya"), place("territory:bf-koudougou", "Koudougou")])]
    [('territory:bf-kaya-ville', 'territory:bf-kaya')]
    """
    cores = {n.key: _core(n) for n in [*new, *known]}

    def group_of(n: Node) -> tuple[object, tuple[str, ...]]:
        # « Partenaire 12 » and « Partenaire 13 », « Golfe 1 » and « Golfe 4 » are distinct:
        # only names of one country with the same numbers are compared
        return n.props.get("country"), tuple(re.findall(r"\d+", cores[n.key]))

    rank = {id(b): j for j, b in enumerate(known)}
    by_group: dict[tuple[object, tuple[str, ...]], list[Node]] = {}
    for b in known:
        by_group.setdefault(group_of(b), []).append(b)
    mine: dict[tuple[object, tuple[str, ...]], list[tuple[int, Node]]] = {}
    for i, a in enumerate(new):
        mine.setdefault(group_of(a), []).append((i, a))
    found_pairs: list[tuple[int, int, Node, Node]] = []
    for key, group in mine.items():
        others = by_group.get(key, [])
        if not others:
            continue
        # all the ratios of the group at once (C), then the prefixes by word-prefix
        close = process.cdist([cores[a.key] for _, a in group], [cores[b.key] for b in others],
                              scorer=fuzz.ratio, score_cutoff=CLOSE_NAMES, dtype=np.uint8)
        at: dict[str, list[int]] = {}  # a known name → its places
        begins: dict[str, list[int]] = {}  # the first words of a known name → its places
        for j, b in enumerate(others):
            y = cores[b.key].split(" ")
            at.setdefault(" ".join(y), []).append(j)
            for n in range(1, len(y) + 1):
                begins.setdefault(" ".join(y[:n]), []).append(j)
        for row, (i, a) in enumerate(group):
            x = cores[a.key]
            if not x:
                continue
            words = x.split(" ")
            found = {j for n in range(1, len(words) + 1)
                     for j in at.get(" ".join(words[:n]), ())}  # b's name begins a's
            found.update(begins.get(x, ()))  # a's name begins b's
            found.update(np.flatnonzero(close[row]).tolist())
            for j in found:
                b = others[j]
                if a.key != b.key and cores[b.key] and not _far_apart(a, b):
                    found_pairs.append((i, rank[id(b)], a, b))
    return [(a, b) for _, _, a, b in sorted(found_pairs, key=lambda t: t[:2])]


def position(node: Node) -> tuple[float, float] | None:
    lat, lon = node.props.get("lat"), node.props.get("lon")
    if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
        return float(lat), float(lon)
    return None


#: Two places of close names farther apart than this (km) are two places.
SAME_PLACE_KM = 30.0


def _far_apart(a: Node, b: Node) -> bool:
    """Both placed (coordinates from the source) and farther apart than a town is wide:
    « Neustadt an der Weinstraße » is not « Neustadt am Rübenberge »."""
    x, y = position(a), position(b)
    return x is not None and y is not None and distance_km(x, y) > SAME_PLACE_KM


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance.

    >>> round(distance_km((46.58, 0.34), (50.81, 8.77)))  # Poitiers–Marburg
    776
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def duplicate_item(file: str, line: int, new: Node, known: Node) -> ReviewItem:
    digest = hashlib.sha1(f"{new.key}|{known.key}".encode()).hexdigest()[:16]
    return ReviewItem(
        key=f"review:{digest}", file=file, lines=[line], name=new.name,
        row={"nouveau": new.key, "existant": known.key},
        reason=f"doublon probable de « {known.name} » ({known.key}) : même pays, noms "
               f"proches ; fusionner avec --as {known.key}, ou écarter",
        candidates=[known.key], template=DUPLICATE_TEMPLATE)


def _moved_key(rel: Relationship, start: str, end: str) -> str:
    base = f"{rel.type.value}:{start}>{end}"
    return base + ("#" + rel.key.split("#", 1)[1] if "#" in rel.key else "")


def merge_nodes(store: GraphStore, source: str, target: str) -> ReviewItem:
    """Merge ``source`` into ``target``; returns the audit record (its key undoes it)."""
    if source == target:
        raise MergeError("un nœud ne se fusionne pas avec lui-même")
    nodes = store.get_nodes([source, target])
    if source not in nodes or target not in nodes:
        raise MergeError("nœud inconnu : " + ", ".join(k for k in (source, target)
                                                       if k not in nodes))
    old, new = nodes[source], nodes[target]
    if old.kind != new.kind:
        raise MergeError(f"types différents : {old.kind.value} et {new.kind.value}")
    removed = [n.relationship for n in store.neighbours(source)]
    moved: dict[str, Relationship] = {}
    for rel in removed:
        start = target if rel.start == source else rel.start
        end = target if rel.end == source else rel.end
        if start == end:
            continue  # a link between the two copies says nothing once they are one
        key = _moved_key(rel, start, end)
        copy = rel.model_copy(update={"key": key, "start": start, "end": end})
        moved[key] = merge(moved[key], copy) if key in moved else copy
    prior = store.get_relationships(sorted(moved))
    final = [merge(prior[k], r) if k in prior else r for k, r in moved.items()]
    aliases = sorted({*_aliases(new), old.name, *_aliases(old)} - {new.name})
    merged_target = new.model_copy(update={"props": {**new.props, "aliases": aliases}})
    record = ReviewItem(
        key=f"merge:{hashlib.sha1(f'{source}|{target}|{now_iso()}'.encode()).hexdigest()[:12]}",
        file="maillage merge", lines=[], name=f"{old.name} → {new.name}",
        row={"source": old.model_dump_json(), "target": new.model_dump_json(),
             "removed": json.dumps([r.model_dump(mode="json") for r in removed]),
             "prior": json.dumps({k: (prior[k].model_dump(mode="json") if k in prior else None)
                                  for k in sorted(moved)})},
        reason=f"fusion de {source} dans {target}", template=MERGE_TEMPLATE,
        status="settled", resolution=target)
    with store.transaction():
        store.upsert_nodes([merged_target])
        store.upsert_relationships(final)
        store.delete_node(source)
        store.put_review_items([record])
    return record


def _aliases(node: Node) -> list[str]:
    value = node.props.get("aliases")
    return [str(v) for v in value] if isinstance(value, list) else []


def undo_merge(store: GraphStore, key: str) -> ReviewItem:
    """Put the graph back as it was before the merge ``key``."""
    record = next((i for i in store.review_items() if i.key == key
                   and i.template == MERGE_TEMPLATE), None)
    if record is None:
        raise MergeError(f"fusion « {key} » introuvable")
    if record.status != "settled":
        raise MergeError(f"fusion « {key} » déjà annulée")
    source = Node.model_validate_json(record.row["source"])
    target = Node.model_validate_json(record.row["target"])
    removed = [Relationship.model_validate(r) for r in json.loads(record.row["removed"])]
    prior: dict[str, dict[str, object] | None] = json.loads(record.row["prior"])
    with store.transaction():
        for rel_key, before in prior.items():
            if before is None:
                store.delete_relationship(rel_key)
        store.upsert_nodes([source, target])
        store.upsert_relationships([Relationship.model_validate(b) for b in prior.values()
                                    if b is not None] + removed)
        undone = record.model_copy(update={"status": "dismissed",
                                           "reason": record.reason + " (annulée)"})
        store.put_review_items([undone])
    return undone
