"""Use cases of funding applications: open one (by hand or from a proposed consortium),
move it along the pipeline, read it, list the pipeline."""

from __future__ import annotations

import secrets
from datetime import date

from graph.model import ACTOR_KINDS, FOREIGN_KINDS, PARTNER_KINDS, Node, NodeKind, RelType
from service import analysis
from service.context import Conflict, Context, NotFound
from service.crm_schemas import (
    CALL_FUNDERS,
    CALLS,
    STATUSES,
    ApplicationCreate,
    ApplicationView,
    FromConsortium,
    StatusChange,
)
from service.records import all_of, checked, prov, record_of, ref, rel, strings, write
from service.schemas import NodeRef


# -- funding applications --------------------------------------------------------------
def open_application(ctx: Context, body: ApplicationCreate, today: date | None = None
                     ) -> ApplicationView:
    """A funding application at status « idée »: the call, the consortium (lead and
    members), where and on what, the funders, the amount requested."""
    members = [m for m in checked(ctx, body.members, ACTOR_KINDS, "membre") if m != body.lead]
    lead = checked(ctx, [body.lead], ACTOR_KINDS, "chef de file")[0]
    places = checked(ctx, body.places, FOREIGN_KINDS, "lieu")
    themes = checked(ctx, body.themes, {NodeKind.THEME}, "thème")
    funders = checked(ctx, body.funders, PARTNER_KINDS, "financeur")
    day = (today or date.today()).isoformat()
    name = body.name or f"{CALLS[body.call]} {body.year} — {ctx.name(lead)}"
    node = Node(key=f"application:{body.year}-{secrets.token_hex(3)}", name=name,
                props={"call": body.call, "year": body.year, "status": "idee",
                       "status_history": [f"idee@{day}"],
                       **({"amount_requested": body.amount_requested}
                          if body.amount_requested is not None else {})},
                provenance=prov(ctx))
    rels = ([rel(ctx, RelType.APPLIES, lead, node.key, role="lead")]
            + [rel(ctx, RelType.APPLIES, m, node.key, role="member") for m in members]
            + [rel(ctx, RelType.TAKES_PLACE_IN, node.key, k) for k in places]
            + [rel(ctx, RelType.ADDRESSES, node.key, k) for k in themes]
            + [rel(ctx, RelType.SUBMITTED_TO, node.key, k) for k in funders])
    write(ctx, f"demande {name}", [node], rels)
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
    node = record_of(ctx, key, NodeKind.APPLICATION, "demande inconnue")
    if body.amount_granted is not None and body.status != "accordee":
        raise Conflict("un montant accordé va avec le statut « accordée »")
    day = (body.on or date.today()).isoformat()
    history = [*strings(node.props.get("status_history")), f"{body.status}@{day}"]
    props = {**node.props, "status": body.status, "status_history": history}
    if body.amount_granted is not None:
        props["amount_granted"] = body.amount_granted
    write(ctx, f"demande {STATUSES[body.status]}", [node.model_copy(update={"props": props})],
           [])
    return application(ctx, key)


def application(ctx: Context, key: str) -> ApplicationView:
    node = record_of(ctx, key, NodeKind.APPLICATION, "demande inconnue")
    around = ctx.store.neighbours(key)
    applying = [nb for nb in around if nb.relationship.type is RelType.APPLIES]
    lead = [ref(nb.node) for nb in applying if nb.relationship.props.get("role") == "lead"]

    def out(type_: RelType) -> list[NodeRef]:
        return [ref(nb.node) for nb in around if nb.outgoing and nb.relationship.type is type_]

    status = str(node.props.get("status", "idee"))
    call = str(node.props.get("call", "autre"))
    return ApplicationView(
        key=key, name=node.name, call=call, call_label=CALLS.get(call, call),
        year=int(node.props.get("year", 0)), status=status,  # type: ignore[arg-type]
        status_label=STATUSES.get(status, status),
        history=strings(node.props.get("status_history")),
        lead=lead[0] if lead else None,
        members=[ref(nb.node) for nb in applying if nb.relationship.props.get("role") != "lead"],
        places=out(RelType.TAKES_PLACE_IN), themes=out(RelType.ADDRESSES),
        funders=out(RelType.SUBMITTED_TO),
        amount_requested=_float(node.props.get("amount_requested")),
        amount_granted=_float(node.props.get("amount_granted")))


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def pipeline(ctx: Context) -> dict[str, list[ApplicationView]]:
    """Applications by status, in pipeline order (idée → close), newest year first."""
    views = [application(ctx, n.key) for n in all_of(ctx, NodeKind.APPLICATION)]
    return {s: sorted((v for v in views if v.status == s), key=lambda v: (-v.year, v.name))
            for s in STATUSES}
