"""Use cases of the network's own records: persons (with their legal basis), exchanges and
their next steps (« à relancer »), working groups, funding applications and their
pipeline. Every write is one audited unit of work (``maillage history``, ``undo``)."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable
from datetime import date, timedelta

from graph.model import (
    ACTOR_KINDS,
    FOREIGN_KINDS,
    PARTNER_KINDS,
    Node,
    NodeKind,
    Provenance,
    Relationship,
    RelType,
    kind_of,
    public_name,
    slugify,
)
from service import analysis
from service.context import Conflict, Context, NotFound
from service.crm_schemas import (
    CALL_FUNDERS,
    CALLS,
    STATUSES,
    ApplicationCreate,
    ApplicationView,
    Followup,
    FromConsortium,
    GroupCreate,
    GroupView,
    InteractionCreate,
    InteractionView,
    Membership,
    Outcome,
    PersonCreate,
    StatusChange,
)
from service.schemas import NodeRef

LICENCE = "données du réseau, usage interne"
#: How long a person's data is kept when the form does not say (CNIL: 3 years after the
#: last contact for a prospect).
RETENTION_YEARS = 3
MEMBER_KINDS = ACTOR_KINDS | {NodeKind.PERSON, NodeKind.TERRITORY}


def _prov(ctx: Context, source: str | None = None) -> Provenance:
    return Provenance(source=source or f"saisie ({ctx.store.who})", licence=LICENCE)


def _checked(ctx: Context, keys: Iterable[str], kinds: Collection[NodeKind], what: str
             ) -> list[str]:
    """The keys, each an existing node (:class:`NotFound`) of one of ``kinds``
    (:class:`Conflict`)."""
    keys = list(dict.fromkeys(keys))
    for key in keys:
        try:
            kind_of(key)
        except ValueError as exc:
            raise NotFound(str(exc)) from None
    found = ctx.store.get_nodes(keys)
    for key in keys:
        if key not in found:
            raise NotFound(f"{what} inconnu(e) : {key}")
        if found[key].kind not in kinds:
            raise Conflict(f"{what} : {key} n'est pas du bon type (attendu : "
                           + ", ".join(sorted(k.value for k in kinds)) + ")")
    return keys


def _write(ctx: Context, label: str, nodes: list[Node], rels: list[Relationship]) -> None:
    with ctx.store.audited("crm", label=label):
        ctx.store.upsert_nodes(nodes)
        ctx.store.upsert_relationships(rels)


def _rel(ctx: Context, type_: RelType, start: str, end: str, **props: object) -> Relationship:
    return Relationship(type=type_, start=start, end=end, provenance=_prov(ctx),
                        props={k: v for k, v in props.items() if v is not None})  # type: ignore[misc]


def _ref(node: Node, personal: bool = False) -> NodeRef:
    name = node.name if personal else public_name(node.kind, node.name, node.props)
    return NodeRef(key=node.key, kind=node.kind.value, name=name)


# -- persons ---------------------------------------------------------------------------
def add_person(ctx: Context, body: PersonCreate) -> NodeRef:
    """A person tied to their organisation, with the legal basis, purpose and retention of
    their data; the key is random (it must not identify them)."""
    _checked(ctx, [body.organisation], ACTOR_KINDS | {NodeKind.TERRITORY}, "organisation")
    retain = body.retain_until or date.today() + timedelta(days=365 * RETENTION_YEARS)
    if retain <= date.today():
        raise Conflict("date de fin de conservation passée : rien n'est enregistré")
    props = {"function": body.function, "legal_basis": body.legal_basis,
             "purpose": body.purpose, "retain_until": retain.isoformat(),
             "courriel": body.courriel, "telephone": body.telephone}
    person = Node(key=f"person:{secrets.token_hex(5)}", name=body.name,
                  props={k: v for k, v in props.items() if v},
                  provenance=_prov(ctx, body.source))
    _write(ctx, "contact ajouté", [person],
           [_rel(ctx, RelType.WORKS_FOR, person.key, body.organisation, role=body.function)])
    return _ref(person, True)


def persons(ctx: Context, actor: str) -> list[NodeRef]:
    return sorted((_ref(nb.node, True) for nb in ctx.store.neighbours(
        actor, [RelType.WORKS_FOR], "in") if nb.node.kind is NodeKind.PERSON),
        key=lambda r: r.name)


def expired_persons(ctx: Context, today: date | None = None) -> list[NodeRef]:
    """Persons whose retention date has passed: to erase (``maillage contacts --echus``)."""
    day = (today or date.today()).isoformat()
    return [_ref(n, True) for n in _all(ctx, NodeKind.PERSON)
            if str(n.props.get("retain_until", "9999")) < day]


def _record_of(ctx: Context, key: str, kind: NodeKind, what: str) -> Node:
    """The node ``key`` if it is of ``kind``; :class:`NotFound` (« échange inconnu : … »)."""
    try:
        node = ctx.store.get_node(key) if kind_of(key) is kind else None
    except ValueError:  # not a key at all
        node = None
    if node is None:
        raise NotFound(f"{what} : {key}")
    return node


def _all(ctx: Context, kind: NodeKind) -> list[Node]:
    found: list[Node] = []
    while batch := ctx.store.find_nodes(kind=kind, limit=1000, offset=len(found)):
        found.extend(batch)
    return found


# -- interactions ----------------------------------------------------------------------
def record_interaction(ctx: Context, body: InteractionCreate) -> InteractionView:
    """An exchange with the actors and persons involved, its themes and places, and the
    next step with its due date; the notes are personal (never in public reads)."""
    actors = _checked(ctx, body.actors, ACTOR_KINDS | {NodeKind.TERRITORY}, "acteur")
    people = _checked(ctx, body.persons, {NodeKind.PERSON}, "personne")
    themes = _checked(ctx, body.themes, {NodeKind.THEME}, "thème")
    places = _checked(ctx, body.places, FOREIGN_KINDS, "lieu")
    group = _checked(ctx, [body.group] if body.group else [], {NodeKind.GROUP}, "groupe")
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
                provenance=_prov(ctx))
    rels = ([_rel(ctx, RelType.INVOLVES, node.key, k) for k in [*actors, *people, *group]]
            + [_rel(ctx, RelType.ADDRESSES, node.key, k) for k in themes]
            + [_rel(ctx, RelType.TAKES_PLACE_IN, node.key, k) for k in places])
    _write(ctx, f"échange du {body.date.isoformat()}", [node], rels)
    return interaction(ctx, node.key, personal=True)


def interaction(ctx: Context, key: str, personal: bool = False) -> InteractionView:
    node = _record_of(ctx, key, NodeKind.INTERACTION, "échange inconnu")
    return _interaction_view(ctx, node, personal)


def _interaction_view(ctx: Context, node: Node, personal: bool,
                      today: date | None = None) -> InteractionView:
    out = ctx.store.neighbours(node.key, direction="out")

    def refs(kinds: Collection[NodeKind], type_: RelType) -> list[NodeRef]:
        return [_ref(nb.node) for nb in out
                if nb.node.kind in kinds and nb.relationship.type is type_]

    props = node.props if personal else node.public().props
    due = props.get("due")
    done = bool(props.get("done"))
    groups = refs({NodeKind.GROUP}, RelType.INVOLVES)
    return InteractionView(
        key=node.key, date=str(props.get("date", "")), mode=str(props.get("mode", "")),
        topic=node.name, actors=refs(ACTOR_KINDS | {NodeKind.TERRITORY}, RelType.INVOLVES),
        # who was met is personal: public reads list the organisations only
        persons=[_ref(nb.node, True) for nb in out if nb.node.kind is NodeKind.PERSON]
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
        nodes = _all(ctx, NodeKind.INTERACTION)
    views = [_interaction_view(ctx, n, personal) for n in nodes]
    views = [v for v in views if (not start or v.date >= start.isoformat())
             and (not end or v.date <= end.isoformat())]
    return sorted(views, key=lambda v: (v.date, v.key), reverse=True)


def follow_ups(ctx: Context, today: date | None = None) -> list[InteractionView]:
    """« À relancer » : next steps due by ``today`` (default: today) and not done, oldest
    due first."""
    views = [_interaction_view(ctx, n, False, today) for n in _all(ctx, NodeKind.INTERACTION)]
    return sorted((v for v in views if v.overdue), key=lambda v: (v.due or "", v.key))


def close_step(ctx: Context, key: str) -> InteractionView:
    """Mark an exchange's next step as done."""
    node = _record_of(ctx, key, NodeKind.INTERACTION, "échange inconnu")
    if not node.props.get("next_step"):
        raise Conflict("cet échange n'a pas de prochaine étape")
    _write(ctx, "étape faite", [node.model_copy(update={"props": {**node.props, "done": True}})],
           [])
    return interaction(ctx, key)


# -- working groups --------------------------------------------------------------------
def create_group(ctx: Context, body: GroupCreate) -> GroupView:
    key = f"group:{slugify(body.name)[:80]}"
    if ctx.store.get_node(key) is not None:
        raise Conflict(f"le groupe {key} existe déjà")
    themes = _checked(ctx, body.themes, {NodeKind.THEME}, "thème")
    places = _checked(ctx, body.places, FOREIGN_KINDS, "lieu")
    node = Node(key=key, name=body.name, props={"form": body.form}, provenance=_prov(ctx))
    _write(ctx, f"groupe {body.name}", [node],
           [_rel(ctx, RelType.ADDRESSES, key, k) for k in themes]
           + [_rel(ctx, RelType.TAKES_PLACE_IN, key, k) for k in places])
    return group(ctx, key)


def join_group(ctx: Context, key: str, body: Membership) -> GroupView:
    """Add an actor or a person to a working group (a membership is evidence that they
    know each other)."""
    _checked(ctx, [key], {NodeKind.GROUP}, "groupe")
    _checked(ctx, [body.member], MEMBER_KINDS, "membre")
    _write(ctx, "membre ajouté", [],
           [_rel(ctx, RelType.IN_GROUP, body.member, key, since=body.since)])
    return group(ctx, key)


def add_outcome(ctx: Context, key: str, body: Outcome) -> GroupView:
    """Note what a working group produced."""
    node = _record_of(ctx, key, NodeKind.GROUP, "groupe inconnu")
    outcomes = [*_strings(node.props.get("outcomes")), body.text]
    _write(ctx, "résultat du groupe",
           [node.model_copy(update={"props": {**node.props, "outcomes": outcomes}})], [])
    return group(ctx, key)


def group(ctx: Context, key: str) -> GroupView:
    node = _record_of(ctx, key, NodeKind.GROUP, "groupe inconnu")
    around = ctx.store.neighbours(key)
    members = sorted((_ref(nb.node) for nb in around
                      if nb.relationship.type is RelType.IN_GROUP), key=lambda r: r.name)
    return GroupView(
        key=key, name=node.name, form=str(node.props.get("form", "")), members=members,
        meetings=interactions(ctx, key),
        themes=[_ref(nb.node) for nb in around if nb.relationship.type is RelType.ADDRESSES],
        places=[_ref(nb.node) for nb in around
                if nb.relationship.type is RelType.TAKES_PLACE_IN],
        outcomes=_strings(node.props.get("outcomes")))


def groups(ctx: Context) -> list[GroupView]:
    return [group(ctx, n.key) for n in _all(ctx, NodeKind.GROUP)]


# -- funding applications --------------------------------------------------------------
def open_application(ctx: Context, body: ApplicationCreate, today: date | None = None
                     ) -> ApplicationView:
    """A funding application at status « idée »: the call, the consortium (lead and
    members), where and on what, the funders, the amount requested."""
    members = [m for m in _checked(ctx, body.members, ACTOR_KINDS, "membre") if m != body.lead]
    lead = _checked(ctx, [body.lead], ACTOR_KINDS, "chef de file")[0]
    places = _checked(ctx, body.places, FOREIGN_KINDS, "lieu")
    themes = _checked(ctx, body.themes, {NodeKind.THEME}, "thème")
    funders = _checked(ctx, body.funders, PARTNER_KINDS, "financeur")
    day = (today or date.today()).isoformat()
    name = body.name or f"{CALLS[body.call]} {body.year} — {ctx.name(lead)}"
    node = Node(key=f"application:{body.year}-{secrets.token_hex(3)}", name=name,
                props={"call": body.call, "year": body.year, "status": "idee",
                       "status_history": [f"idee@{day}"],
                       **({"amount_requested": body.amount_requested}
                          if body.amount_requested is not None else {})},
                provenance=_prov(ctx))
    rels = ([_rel(ctx, RelType.APPLIES, lead, node.key, role="lead")]
            + [_rel(ctx, RelType.APPLIES, m, node.key, role="member") for m in members]
            + [_rel(ctx, RelType.TAKES_PLACE_IN, node.key, k) for k in places]
            + [_rel(ctx, RelType.ADDRESSES, node.key, k) for k in themes]
            + [_rel(ctx, RelType.SUBMITTED_TO, node.key, k) for k in funders])
    _write(ctx, f"demande {name}", [node], rels)
    return application(ctx, node.key)


def application_from_consortium(ctx: Context, body: FromConsortium) -> ApplicationView:
    """The application of the ``rank``-th consortium Maillage proposes for a focus: its
    lead, members and fitting funders, in one step."""
    query = analysis.FocusQuery(countries=(body.country,) if body.country else (),
                                territories=(body.territory,) if body.territory else (),
                                themes=(body.theme,) if body.theme else ())
    if query.empty():
        raise Conflict("précisez un pays, une collectivité étrangère ou un thème")
    target = analysis.focus(ctx, query)
    found = analysis.consortia(ctx, target, top=body.rank)
    if len(found) < body.rank:
        raise NotFound(f"pas de consortium n° {body.rank} pour {analysis.focus_label(ctx, target)}")
    chosen = found[body.rank - 1]
    return open_application(ctx, ApplicationCreate(
        call=body.call, year=body.year, name=None, lead=chosen.lead.actor,
        members=[m.actor for m in chosen.members],
        places=[*target.countries, *target.territories], themes=target.themes,
        funders=[f.key for f in chosen.funding if _fits(f.key, body.call)],
        amount_requested=body.amount_requested))


def _fits(funder: str, call: str) -> bool:
    """Whether a funder the consortium suggests goes with the call (see CALL_FUNDERS)."""
    if funder.partition(":")[0] not in {k.value for k in PARTNER_KINDS}:
        return False
    prefixes = CALL_FUNDERS.get(call)
    return prefixes is None or funder.startswith(prefixes)


def set_status(ctx: Context, key: str, body: StatusChange) -> ApplicationView:
    """Move an application along the pipeline (dated, kept in its history)."""
    node = _record_of(ctx, key, NodeKind.APPLICATION, "demande inconnue")
    if body.amount_granted is not None and body.status != "accordee":
        raise Conflict("un montant accordé va avec le statut « accordée »")
    day = (body.on or date.today()).isoformat()
    history = [*_strings(node.props.get("status_history")), f"{body.status}@{day}"]
    props = {**node.props, "status": body.status, "status_history": history}
    if body.amount_granted is not None:
        props["amount_granted"] = body.amount_granted
    _write(ctx, f"demande {STATUSES[body.status]}", [node.model_copy(update={"props": props})],
           [])
    return application(ctx, key)


def application(ctx: Context, key: str) -> ApplicationView:
    node = _record_of(ctx, key, NodeKind.APPLICATION, "demande inconnue")
    around = ctx.store.neighbours(key)
    applying = [nb for nb in around if nb.relationship.type is RelType.APPLIES]
    lead = [_ref(nb.node) for nb in applying if nb.relationship.props.get("role") == "lead"]

    def out(type_: RelType) -> list[NodeRef]:
        return [_ref(nb.node) for nb in around if nb.outgoing and nb.relationship.type is type_]

    status = str(node.props.get("status", "idee"))
    call = str(node.props.get("call", "autre"))
    return ApplicationView(
        key=key, name=node.name, call=call, call_label=CALLS.get(call, call),
        year=int(node.props.get("year", 0)), status=status,  # type: ignore[arg-type]
        status_label=STATUSES.get(status, status),
        history=_strings(node.props.get("status_history")),
        lead=lead[0] if lead else None,
        members=[_ref(nb.node) for nb in applying if nb.relationship.props.get("role") != "lead"],
        places=out(RelType.TAKES_PLACE_IN), themes=out(RelType.ADDRESSES),
        funders=out(RelType.SUBMITTED_TO),
        amount_requested=_float(node.props.get("amount_requested")),
        amount_granted=_float(node.props.get("amount_granted")))


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def pipeline(ctx: Context) -> dict[str, list[ApplicationView]]:
    """Applications by status, in pipeline order (idée → close), newest year first."""
    views = [application(ctx, n.key) for n in _all(ctx, NodeKind.APPLICATION)]
    return {s: sorted((v for v in views if v.status == s), key=lambda v: (-v.year, v.name))
            for s in STATUSES}


def followup(ctx: Context, actor: str, personal: bool = False) -> Followup:
    """Exchanges, working groups, applications and contacts of one actor."""
    ctx.need(actor)
    around = ctx.store.neighbours(actor, [RelType.IN_GROUP, RelType.APPLIES], "out")
    return Followup(
        interactions=interactions(ctx, actor, personal=personal),
        groups=[_ref(nb.node) for nb in around if nb.relationship.type is RelType.IN_GROUP],
        applications=[application(ctx, nb.node.key) for nb in around
                      if nb.relationship.type is RelType.APPLIES],
        persons=persons(ctx, actor) if personal else [])
