"""Use cases of the audit trail: history, undo, and the GDPR rights on a person."""

from __future__ import annotations

from typing import Any

from graph import history as trail
from graph.audit import ACTIONS, AuditEntry
from service.context import Conflict, Context, NotFound


def history(ctx: Context, key: str | None = None, limit: int = 50) -> list[AuditEntry]:
    """The last writes, newest first (those touching ``key`` if given), without the
    records' images (they hold personal data: see :func:`entry`)."""
    return [e.model_copy(update={"changes": []}) for e in trail.history(ctx.store, key)[:limit]]


def entry(ctx: Context, ref: str) -> AuditEntry:
    try:
        return trail.find_entry(ctx.store, ref)
    except trail.HistoryError as exc:
        raise NotFound(str(exc)) from None


def undo(ctx: Context, ref: str) -> AuditEntry:
    """Revert one write exactly (an import, an API write, a settlement…)."""
    entry(ctx, ref)
    try:
        return trail.undo(ctx.store, ref)
    except trail.HistoryError as exc:
        raise Conflict(str(exc)) from None


def person_data(ctx: Context, key: str) -> dict[str, Any]:
    try:
        return trail.person_data(ctx.store, key)
    except trail.HistoryError as exc:
        raise NotFound(str(exc)) from None


def erase_person(ctx: Context, key: str) -> AuditEntry:
    try:
        done = trail.erase_person(ctx.store, key)
    except trail.HistoryError as exc:
        raise NotFound(str(exc)) from None
    ctx.forget_answers()  # cached reads may quote the person
    return done


def action_fr(action: str) -> str:
    return ACTIONS.get(action, action)
