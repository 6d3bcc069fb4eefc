"""Settling the review list: the user picks the collectivité, the row goes in."""

from __future__ import annotations

from graph.store import GraphStore
from ingest.importer import merge_known, resolvers_for
from ingest.joint import JOINT_TEMPLATE, confirmed
from ingest.merge import DUPLICATE_TEMPLATE, MergeError, merge_nodes
from ingest.reference.load import FACTS_LICENCE
from ingest.resolve import HOME_REGION
from ingest.templates import TEMPLATES


class ReviewError(Exception):
    pass


def settle_item(store: GraphStore, key: str, chosen: str, home: str | None = HOME_REGION) -> int:
    """Resolve a review item to ``chosen`` and write its records; returns relationships."""
    item = next((i for i in store.review_items() if i.key == key), None)
    if item is None:
        raise ReviewError(f"élément « {key} » introuvable dans la liste à vérifier")
    if store.get_node(chosen) is None:
        raise ReviewError(f"« {chosen} » inconnu")
    if item.template == JOINT_TEMPLATE:
        if chosen != item.row.get("partenaire"):
            raise ReviewError(f"seul « {item.row.get('partenaire')} » peut confirmer ce "
                              "partenaire conjoint ; sinon, écarter")
        rel = confirmed(item)
        with store.transaction():
            store.upsert_relationships(merge_known(store, [rel]))
            store.put_review_items([item.model_copy(update={"status": "settled",
                                                            "resolution": chosen})])
        return 1
    if item.template == DUPLICATE_TEMPLATE:
        # a probable duplicate is settled by merging the new place into the one chosen
        try:
            merge_nodes(store, item.row["nouveau"], chosen)
        except MergeError as exc:
            raise ReviewError(str(exc)) from None
        store.put_review_items([item.model_copy(update={"status": "settled",
                                                        "resolution": chosen})])
        return 0
    row = dict(item.row)
    override: str | None = chosen
    if chosen.startswith("country:"):
        # the row lacked its partner's country: the user names it; the row is read again
        row["pays"], override = chosen.split(":", 1)[1], row.get("code") or None
    resolvers = resolvers_for(store, home)
    template = TEMPLATES.get(item.template)
    if template is None or not template.settleable:
        raise ReviewError("cette ligne se corrige dans le fichier (nom du membre), "
                          "puis se réimporte")
    licence = FACTS_LICENCE if item.file == "na_relations.csv" else (
        template.licence or "non précisée")
    extra = template.prepare([row], resolvers, store) if template.prepare else {}
    result = template.convert_row(row, item.lines[0], item.file, resolvers, licence,
                                  code_override=override, **extra)
    if result.errors or not result.collectivite:
        reasons = "; ".join(str(e) for e in result.errors) or result.review_reason
        raise ReviewError(f"la ligne reste impossible à importer : {reasons}")
    with store.transaction():
        existing = store.get_nodes([n.key for n in result.nodes])
        store.upsert_nodes([*result.primary, *(n for n in result.nodes if n.key not in existing)])
        store.upsert_relationships(merge_known(store, result.rels))
        store.put_review_items([item.model_copy(update={"status": "settled",
                                                        "resolution": chosen})])
    return len(result.rels)


def dismiss_item(store: GraphStore, key: str) -> None:
    item = next((i for i in store.review_items() if i.key == key), None)
    if item is None:
        raise ReviewError(f"élément « {key} » introuvable dans la liste à vérifier")
    store.put_review_items([item.model_copy(update={"status": "dismissed"})])
