"""The network's records on both stores: the same use cases, the same answers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from graph.history import undo
from graph.model import RelType
from graph.store import GraphStore
from service import applications, audit, crm
from service.context import Conflict, Context
from service.crm_schemas import (
    ApplicationCreate,
    GroupCreate,
    InteractionCreate,
    Membership,
    Outcome,
    PersonCreate,
    StatusChange,
)
from tests.helpers import load, node

DAY = date(2026, 3, 2)


def test_records_and_their_reads(store: GraphStore) -> None:
    load(store)
    store.upsert_nodes([node("organisation:ps-eau", "Programme Solidarité Eau"),
                        node("programme:aap-dctciv", "Appels à projets de la DCTCIV")])
    ctx = Context(store)
    person = crm.add_person(ctx, PersonCreate(
        name="Anne Essai", organisation="commune:86194", legal_basis="fonction publique",
        purpose="suivi", source="annuaire", courriel="anne@example.org"))
    meeting = crm.record_interaction(ctx, InteractionCreate(
        date=DAY, mode="appel", topic="Burkina : suite", actors=["commune:86194"],
        persons=[person.key], places=["country:BF"], themes=["theme:eau"],
        next_step="rappeler", due=DAY + timedelta(days=3), notes="Anne rappelle"))
    assert (meeting.persons[0].key, meeting.notes) == (person.key, "Anne rappelle")
    assert [i.key for i in crm.follow_ups(ctx, DAY + timedelta(days=3))] == [meeting.key]
    assert crm.follow_ups(ctx, DAY + timedelta(days=2)) == []
    group = crm.create_group(ctx, GroupCreate(name="Groupe pays Burkina", form="groupe pays",
                                              places=["country:BF"]))
    crm.join_group(ctx, group.key, Membership(member="commune:79191", since=2025))
    assert crm.add_outcome(ctx, group.key, Outcome(text="Note commune")).outcomes == [
        "Note commune"]
    application = applications.open_application(ctx, ApplicationCreate(
        call="dctciv", year=2026, name=None, lead="commune:86194", members=["commune:79191"],
        places=["country:BF"], funders=["programme:aap-dctciv"], amount_requested=20000))
    granted = applications.set_status(ctx, application.key, StatusChange(
        status="accordee", on=DAY, amount_granted=15000))
    assert (granted.status_label, granted.amount_granted, granted.history[-1]) == (
        "accordée", 15000.0, "accordee@2026-03-02")
    assert [a.key for a in applications.pipeline(ctx)["accordee"]] == [application.key]
    niort = crm.followup(ctx, "commune:79191")
    assert ([g.key for g in niort.groups], [a.key for a in niort.applications]) == (
        [group.key], [application.key])
    assert crm.interactions(ctx, "commune:86194")[0].notes is None  # public read
    with pytest.raises(Conflict, match="montant accordé"):
        applications.set_status(ctx, application.key, StatusChange(status="refusee", amount_granted=1))
    # the status change undone: back to « idée », as it was
    last = audit.history(ctx, application.key)[0]
    undo(store, last.id)
    assert applications.application(ctx, application.key).status == "idee"
    audit.erase_person(ctx, person.key)
    assert crm.interaction(ctx, meeting.key, personal=True).notes == "Anne rappelle"  # not her name
    assert store.neighbours(meeting.key, [RelType.INVOLVES]) and all(
        nb.node.key != person.key for nb in store.neighbours(meeting.key))
