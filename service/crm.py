"""Use cases of the network's own records: persons (with their legal basis), exchanges and
their next steps (« à relancer »), working groups, and what is recorded of one actor
(funding applications: :mod:`service.applications`). Every write is one audited unit of
work (``maillage history``, ``undo``)."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import date, timedelta

from graph.model import (
    ACTOR_KINDS,
    FOREIGN_KINDS,
    Node,
    NodeKind,
    RelType,
    slugify,
)
from service import applications
from service.context import Conflict, Context
from service.crm_schemas import (
    Followup,
    GroupCreate,
    GroupView,
    InteractionCreate,
    InteractionView,
    Membership,
    Outcome,
    PersonCreate,
)
from service.records import (
    all_of,
    checked,
    prov,
    record_of,
    ref,
    rel,
    strings,
    write,
)
from service.schemas import NodeRef

#: How long a person's data is kept when the form does not say (CNIL: 3 years after the
#: last contact for a prospect).
RETENTION_YEARS = 3
MEMBER_KINDS = ACTOR_KINDS | {NodeKind.PERSON, NodeKind.TERRITORY}


# -- persons ---------------------------------------------------------------------------
def add_person(ctx: Context, body: PersonCreate) -> NodeRef:
    """A person tied to their organisation, with the legal basis, purpose and retention of
    their data; the key is random (it must not identify them)."""
    checked(ctx, [body.organisation], ACTOR_KINDS | {NodeKind.TERRITORY}, "organisation")
    retain = body.retain_until or date.today() + timedelta(days=365 * RETENTION_YEARS)
    if retain <= date.today():
        raise Conflict("date de fin de conservation passée : rien n'est enregistré")
    props = {"function": body.function, "legal_basis": body.legal_basis,
             "purpose": body.purpose, "retain_until": retain.isoformat(),
             "courriel": body.courriel, "telephone": body.telephone}
    person = Node(key=f"person:{secrets.token_hex(5)}", name=body.name,
                  props={k: v for k, v in props.items() if v},
                  provenance=prov(ctx, body.source))
    write(ctx, "contact ajouté", [person],
           [rel(ctx, RelType.WORKS_FOR, person.key, body.organisation, role=body.function)])
    return ref(person, True)


def persons(ctx: Context, actor: str) -> list[NodeRef]:
    return sorted((ref(nb.node, True) for nb in ctx.store.neighbours(
        actor, [RelType.WORKS_FOR], "in") if nb.node.kind is NodeKind.PERSON),
        key=lambda r: r.name)


def expired_persons(ctx: Context, today: date | None = None) -> list[NodeRef]:
    """Persons whose retention date has passed: to erase (``maillage contacts --echus``)."""
    day = (today or date.today()).isoformat()
    return [ref(n, True) for n in all_of(ctx, NodeKind.PERSON)
            if str(n.props.get("retain_until", "9999")) < day]


# -- interactions ----------------------------------------------------------------------
def record_interaction(ctx: Context, body: InteractionCreate) -> InteractionView:
    """An exchange with the actors and persons involved, its themes and places, and the
    next step with its due date; the notes are personal (never in public reads)."""
    actors = checked(ctx, body.actors, ACTOR_KINDS | {NodeKind.TERRITORY}, "acteur")
    people = checked(ctx, body.persons, {NodeKind.PERSON}, "personne")
    themes = checked(ctx, body.themes, {NodeKind.THEME}, "thème")
    places = checked(ctx, body.places, FOREIGN_KINDS, "lieu")
    group = checked(ctx, [body.group] if body.group else [], {NodeKind.GROUP}, "groupe")
    if not actors and not people and not group:
        raise Conflict("un échange concerne au moins un acteur, une personne ou un groupe")
    if body.due and not body.next_step:
        raise Conflict("une échéance sans prochaine étape : précisez l'étape")
    props = {"date": body.date.isoformat(), "mode": body.mode, "topic": body.topic,
             "next_step": body.next_step, "due": body.due.isoformat() if body.due else None,
             "done": False if body.next_step else None, "notes": body.notes,
             "personal": ["notes"] if body.notes else None}
    node = Node(key=f"interaction:{body.date.isoformat()}-{secrets.token_hex(3)}",
                name=body.topic, props={k: v for k, v in props.items() if v is not None},
                provenance=prov(ctx))
    rels = ([rel(ctx, RelType.INVOLVES, node.key, k) for k in [*actors, *people, *group]]
            + [rel(ctx, RelType.ADDRESSES, node.key, k) for k in themes]
            + [rel(ctx, RelType.TAKES_PLACE_IN, node.key, k) for k in places])
    write(ctx, f"échange du {body.date.isoformat()}", [node], rels)
    return interaction(ctx, node.key, personal=True)


def interaction(ctx: Context, key: str, personal: bool = False) -> InteractionView:
    node = record_of(ctx, key, NodeKind.INTERACTION, "échange inconnu")
    return _interaction_view(ctx, node, personal)


def _interaction_view(ctx: Context, node: Node, personal: bool,
                      today: date | None = None) -> InteractionView:
    out = ctx.store.neighbours(node.key, direction="out")

    def refs(kinds: Collection[NodeKind], type_: RelType) -> list[NodeRef]:
        return [ref(nb.node) for nb in out
                if nb.node.kind in kinds and nb.relationship.type is type_]

    props = node.props if personal else node.public().props
    due = props.get("due")
    done = bool(props.get("done"))
    groups = refs({NodeKind.GROUP}, RelType.INVOLVES)
    return InteractionView(
        key=node.key, date=str(props.get("date", "")), mode=str(props.get("mode", "")),
        topic=node.name, actors=refs(ACTOR_KINDS | {NodeKind.TERRITORY}, RelType.INVOLVES),
        # who was met is personal: public reads list the organisations only
        persons=[ref(nb.node, True) for nb in out if nb.node.kind is NodeKind.PERSON]
        if personal else [],
        themes=refs({NodeKind.THEME}, RelType.ADDRESSES),
        places=refs(FOREIGN_KINDS, RelType.TAKES_PLACE_IN), group=groups[0] if groups else None,
        next_step=_str(props.get("next_step")), due=_str(due), done=done,
        overdue=bool(due) and not done and str(due) <= (today or date.today()).isoformat(),
        notes=_str(props.get("notes")))


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def interactions(ctx: Context, about: str | None = None, start: date | None = None,
                 end: date | None = None, personal: bool = False) -> list[InteractionView]:
    """Exchanges, newest first: all, or those of one actor, person or group; between two
    dates if given."""
    if about:
        ctx.need(about)
        nodes = [nb.node for nb in ctx.store.neighbours(about, [RelType.INVOLVES], "in")]
    else:
        nodes = all_of(ctx, NodeKind.INTERACTION)
    views = [_interaction_view(ctx, n, personal) for n in nodes]
    views = [v for v in views if (not start or v.date >= start.isoformat())
             and (not end or v.date <= end.isoformat())]
    return sorted(views, key=lambda v: (v.date, v.key), reverse=True)


def follow_ups(ctx: Context, today: date | None = None) -> list[InteractionView]:
    """« À relancer » : next steps due by ``today`` (default: today) and not done, oldest
    due first."""
    views = [_interaction_view(ctx, n, False, today) for n in all_of(ctx, NodeKind.INTERACTION)]
    return sorted((v for v in views if v.overdue), key=lambda v: (v.due or "", v.key))


def close_step(ctx: Context, key: str) -> InteractionView:
    """Mark an exchange's next step as done."""
    node = record_of(ctx, key, NodeKind.INTERACTION, "échange inconnu")
    if not node.props.get("next_step"):
        raise Conflict("cet échange n'a pas de prochaine étape")
    write(ctx, "étape faite", [node.model_copy(update={"props": {**node.props, "done": True}})],
           [])
    return interaction(ctx, key)


# -- working groups --------------------------------------------------------------------
def create_group(ctx: Context, body: GroupCreate) -> GroupView:
    key = f"group:{slugify(body.name)[:80]}"
    if ctx.store.get_node(key) is not None:
        raise Conflict(f"le groupe {key} existe déjà")
    themes = checked(ctx, body.themes, {NodeKind.THEME}, "thème")
    places = checked(ctx, body.places, FOREIGN_KINDS, "lieu")
    node = Node(key=key, name=body.name, props={"form": body.form}, provenance=prov(ctx))
    write(ctx, f"groupe {body.name}", [node],
           [rel(ctx, RelType.ADDRESSES, key, k) for k in themes]
           + [rel(ctx, RelType.TAKES_PLACE_IN, key, k) for k in places])
    return group(ctx, key)


def join_group(ctx: Context, key: str, body: Membership) -> GroupView:
    """Add an actor or a person to a working group (a membership is evidence that they
    know each other)."""
    checked(ctx, [key], {NodeKind.GROUP}, "groupe")
    checked(ctx, [body.member], MEMBER_KINDS, "membre")
    write(ctx, "membre ajouté", [],
           [rel(ctx, RelType.IN_GROUP, body.member, key, since=body.since)])
    return group(ctx, key)


def add_outcome(ctx: Context, key: str, body: Outcome) -> GroupView:
    """Note what a working group produced."""
    node = record_of(ctx, key, NodeKind.GROUP, "groupe inconnu")
    outcomes = [*strings(node.props.get("outcomes")), body.text]
    write(ctx, "résultat du groupe",
           [node.model_copy(update={"props": {**node.props, "outcomes": outcomes}})], [])
    return group(ctx, key)


def group(ctx: Context, key: str) -> GroupView:
    node = record_of(ctx, key, NodeKind.GROUP, "groupe inconnu")
    around = ctx.store.neighbours(key)
    members = sorted((ref(nb.node) for nb in around
                      if nb.relationship.type is RelType.IN_GROUP), key=lambda r: r.name)
    return GroupView(
        key=key, name=node.name, form=str(node.props.get("form", "")), members=members,
        meetings=interactions(ctx, key),
        themes=[ref(nb.node) for nb in around if nb.relationship.type is RelType.ADDRESSES],
        places=[ref(nb.node) for nb in around
                if nb.relationship.type is RelType.TAKES_PLACE_IN],
        outcomes=strings(node.props.get("outcomes")))


def groups(ctx: Context) -> list[GroupView]:
    return [group(ctx, n.key) for n in all_of(ctx, NodeKind.GROUP)]


def followup(ctx: Context, actor: str, personal: bool = False) -> Followup:
    """Exchanges, working groups, applications and contacts of one actor."""
    ctx.need(actor)
    around = ctx.store.neighbours(actor, [RelType.IN_GROUP, RelType.APPLIES], "out")
    return Followup(
        interactions=interactions(ctx, actor, personal=personal),
        groups=[ref(nb.node) for nb in around if nb.relationship.type is RelType.IN_GROUP],
        applications=[applications.application(ctx, nb.node.key) for nb in around
                      if nb.relationship.type is RelType.APPLIES],
        persons=persons(ctx, actor) if personal else [])
