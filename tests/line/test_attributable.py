"""Invariant 7: every write of a whole unit's life records who, when, where, what — and why where asked."""

import pytest
from django.utils import timezone

from core.models import AuditEntry, OutboxEvent
from line.services import scans
from line.services import units as unit_services
from quality.services.ncrs import raise_ncr
from tests.line.conftest import countersignature
from tests.line.test_sign_off_step import complete_step2


@pytest.mark.invariant(7)
def test_every_write_of_a_unit_is_attributed_to_an_identity_a_time_and_the_station(line, operator, inspector):
    before = timezone.now()
    first_entry = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    # a whole unit, from start to completion, at station ST-1
    unit_services.start_unit(unit=line.unit, actor=operator, station=line.station)
    scans.record_scan(
        unit=line.unit, step=line.step1, barcode="PCB-0001", actor=operator, station=line.station
    )
    unit_services.sign_off_step(unit=line.unit, step=line.step1, actor=operator, station=line.station)
    complete_step2(line, operator)
    unit_services.sign_off_step(
        unit=line.unit,
        step=line.step2,
        actor=operator,
        station=line.station,
        countersigner=countersignature(inspector),
    )
    raise_ncr(unit=line.unit, description="scratch on the lid found at packing", actor=inspector, hold=False)

    entries = list(AuditEntry.objects.filter(id__gt=first_entry).order_by("id"))
    actions = [entry.action for entry in entries]
    assert actions == [
        "unit.started",
        "lot.consumed",
        "step.signed_off",
        "lot.consumed",
        "lot.consumed",
        "tool.scanned",
        "result.recorded",
        "result.recorded",
        "signature.signed",
        "step.signed_off",
        "unit.completed",  # the unit's status move is audited like an NCR's (issue 10)
        "as_built.ready",
        "ncr.raised",
    ]
    for entry in entries:
        assert entry.actor_id in (operator.pk, inspector.pk), entry.action  # who
        assert entry.actor_id == (
            inspector.pk if entry.action in ("signature.signed", "ncr.raised") else operator.pk
        )
        assert entry.occurred_at >= before  # when, by the server's clock
        assert entry.action and entry.subject_type and entry.subject_id  # what
    line_entries = [entry for entry in entries if entry.action != "ncr.raised"]
    assert {entry.station for entry in line_entries} == {"ST-1"}  # where
    ncr_entry = next(entry for entry in entries if entry.action == "ncr.raised")
    assert "scratch on the lid" in ncr_entry.summary  # why
    # and the events other systems hear of carry the identity too
    events = OutboxEvent.objects.filter(type__in=["unit.started", "step.signed_off", "unit.completed"])
    assert set(events.values_list("actor_label", flat=True)) == {operator.username}
