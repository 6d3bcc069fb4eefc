"""An actor's profile is read from the projection: it must say exactly what the store says,
relation by relation, in the store's order, for every node of the real reference."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from graph.model import Node, Relationship, RelType, relationship_key
from graph.sqlite_store import SqliteStore
from graph.status import STATUS_FR, relation_status
from service.actors import PARTNERSHIP_RELS, profile, profile_data
from service.context import Context, request_scope
from service.schemas import NodePublic, Profile
from tests.service.test_personal import PERSON, P, _people

CONSENTING = "person:paul-durand-86194"


def _from_store(ctx: Context, key: str, personal: bool) -> dict[str, Any]:
    """The profile as the store lists it (its neighbours, one read): the oracle."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n in ctx.store.neighbours(key):
        rel = n.relationship
        period = rel.props.get("period")
        grouped[rel.type.value].append({
            "key": rel.key, "type": rel.type.value, "outgoing": n.outgoing,
            "other": {"key": n.node.key, "kind": n.node.kind.value,
                      "name": n.node.name if personal else n.node.public().name},
            "props": rel.props, "period": str(period) if period else None,
            "status": STATUS_FR[relation_status(rel.props, date.today().year)]
            if rel.type in PARTNERSHIP_RELS else None,
            "source": rel.provenance.source, "licence": rel.provenance.licence})
    return {"actor": NodePublic.of(ctx.need(key), personal).model_dump(),
            "relations": dict(sorted(grouped.items()))}


def test_every_profile_says_what_the_store_says(reference_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "people.db"
    shutil.copyfile(reference_db, path)
    _people(path)
    store = SqliteStore(path)
    # a person next to Poitiers whose name only an authorised caller may read
    store.upsert_nodes([Node(key=CONSENTING, name="Paul Durand", provenance=P,
                             props={"legal_basis": "consentement"})])
    store.upsert_relationships([Relationship(
        key=relationship_key(CONSENTING, RelType.WORKS_FOR, "commune:86194"),
        type=RelType.WORKS_FOR, start=CONSENTING, end="commune:86194", provenance=P)])
    ctx = Context(store)
    with request_scope():
        graph = ctx.graph()
        # every node but the communes with no tie beyond their geography, one in ten of them
        keys = [k for i, k in enumerate(sorted(graph))
                if not k.startswith("commune:") or graph.degree(k) > 3 or i % 10 == 0]
        for key in keys:
            found = json.loads(json.dumps(profile_data(ctx, key)))
            assert {k: found[k] for k in ("actor", "relations")} == _from_store(ctx, key, False)
        for key in ("commune:86194", PERSON, CONSENTING):
            assert profile_data(ctx, key, personal=True)["relations"] == \
                _from_store(ctx, key, True)["relations"]
    poitiers = profile(ctx, "commune:86194")
    assert isinstance(poitiers, Profile) and poitiers.same_partners
    names = {r.other.key: r.other.name for r in poitiers.relations["WORKS_FOR"]}
    assert names == {PERSON: "Jeanne Martin", CONSENTING: "contact (nom non public)"}
    told = profile(ctx, "commune:86194", personal=True).relations["WORKS_FOR"]
    assert {r.other.key: r.other.name for r in told}[CONSENTING] == "Paul Durand"
    store.close()
