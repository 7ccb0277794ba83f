"""The kernel call that records an act (core/acts.py): history row, audit entry and at most one
event, written together in the caller's transaction (invariants 7 and 10)."""

import pytest
from django.db import transaction

from core import acts
from core.models import AuditEntry, OutboxEvent
from tests.conftest import make_person


@pytest.mark.invariant(10)
def test_an_act_outside_a_transaction_is_refused_and_writes_nothing(transactional_db):
    person = make_person("ada", "engineer")
    audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()
    with pytest.raises(acts.NotInTransaction, match="inside the transaction"):
        acts.record(
            actor=person,
            action="identity.created",
            subject=person,
            event=acts.Event("x.happened", "identity:ada", {}),
        )
    assert AuditEntry.objects.count() == audits
    assert OutboxEvent.objects.count() == events


@pytest.mark.invariant(7)
def test_an_act_writes_its_audit_entry_and_one_event(db):
    person = make_person("ada", "engineer")
    audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()
    act = acts.record(
        actor=person,
        action="identity.created",
        subject=person,
        station="ST-1",
        summary="ada",
        reason="new starter",
        data={"role": "engineer"},
        event=acts.Event("identity.created", "identity:ada", {"username": "ada"}),
    )
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.latest("id")
    assert entry == act.entry
    assert (entry.actor, entry.action, entry.station, entry.reason) == (
        person,
        "identity.created",
        "ST-1",
        "new starter",
    )
    assert (entry.subject_type, entry.subject_id) == ("core.user", str(person.pk))
    assert entry.data == {"role": "engineer"}  # no history row: none named
    assert OutboxEvent.objects.count() == events + 1
    event = OutboxEvent.objects.latest("id")
    assert event == act.event
    assert (event.type, event.subject, event.data, event.actor_label) == (
        "identity.created",
        "identity:ada",
        {"username": "ada"},
        "ada",
    )


@pytest.mark.invariant(10)
def test_an_act_rolls_back_whole_with_its_change(db):
    person = make_person("ada", "engineer")
    audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        acts.record(
            actor=person,
            action="identity.created",
            subject=person,
            event=acts.Event("x.y", "identity:ada", {}),
        )
        1 / 0  # noqa: B018 (the change fails after the act was recorded)
    assert AuditEntry.objects.count() == audits
    assert OutboxEvent.objects.count() == events


def test_a_history_row_already_written_is_refused(db):
    person = make_person("ada", "engineer")
    audits = AuditEntry.objects.count()
    with pytest.raises(ValueError, match="unsaved"):
        acts.record(actor=person, action="identity.created", subject=person, history=person)
    assert AuditEntry.objects.count() == audits
