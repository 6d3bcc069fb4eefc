"""A SYNTHETIC store (seeded) big enough for a 1,000-node view: one made-up département
with 1,100 made-up communes. For browser tests and the explorer benchmark only."""

from __future__ import annotations

import random

from graph.model import Node, Provenance, Relationship, RelType
from graph.store import GraphStore

PROV = Provenance(source="synthétique (tests/viz/synthetic_view.py)", licence="synthétique")
DEPARTEMENT = "departement:99"


def load_synthetic_view(store: GraphStore, communes: int = 1100, seed: int = 3) -> None:
    rng = random.Random(seed)
    nodes = [Node(key=DEPARTEMENT, name="Département synthétique", provenance=PROV,
                  props={"insee": "99"}),
             Node(key="country:ZZ", name="Pays synthétique", provenance=PROV)]
    rels = []
    for e in range(20):
        nodes.append(Node(key=f"epci:9{e:08d}", name=f"EPCI synthétique {e}", provenance=PROV,
                          props={"departements": ["99"]}))
        rels.append(Relationship(type=RelType.LOCATED_IN, start=f"epci:9{e:08d}",
                                 end=DEPARTEMENT, provenance=PROV))
    for t in range(60):
        nodes.append(Node(key=f"territory:zz-t{t}", name=f"Ville synthétique {t}",
                          provenance=PROV, props={"country": "ZZ"}))
        rels.append(Relationship(type=RelType.LOCATED_IN, start=f"territory:zz-t{t}",
                                 end="country:ZZ", provenance=PROV))
    for c in range(communes):
        key, epci = f"commune:99{c:03d}", f"9{rng.randrange(20):08d}"
        nodes.append(Node(key=key, name=f"Commune synthétique {c}", provenance=PROV,
                          props={"insee": f"99{c:03d}", "departement": "99", "epci": epci,
                                 "population": rng.randint(100, 50000)}))
        rels.append(Relationship(type=RelType.LOCATED_IN, start=key, end=DEPARTEMENT,
                                 provenance=PROV))
        rels.append(Relationship(type=RelType.MEMBER_OF, start=key, end=f"epci:{epci}",
                                 provenance=PROV))
        if rng.random() < 0.5:
            rels.append(Relationship(type=RelType.TWINNED_WITH, start=key,
                                     end=f"territory:zz-t{rng.randrange(60)}", provenance=PROV))
    with store.transaction():
        store.upsert_nodes(nodes)
        store.upsert_relationships(rels)
