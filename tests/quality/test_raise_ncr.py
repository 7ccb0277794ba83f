"""raise_ncr: an NCR with its evidence, and a hold on the unit (invariant 5)."""

import pytest

from core.errors import DomainError
from core.models import AuditEntry, OutboxEvent
from line.choices import HoldKind, UnitStatus
from quality.models import Ncr, NcrEvent
from quality.services.ncrs import raise_ncr


@pytest.mark.invariant(5)
def test_a_hand_raised_ncr_holds_the_unit(at_step2, inspector):
    ncr = raise_ncr(
        unit=at_step2.unit,
        step=at_step2.step2,
        description="Scratch on housing",
        actor=inspector,
        station=at_step2.station,
    )
    at_step2.unit.refresh_from_db()
    assert at_step2.unit.status == UnitStatus.ON_HOLD
    # numbers derive from the row id (on PostgreSQL a sequence that earlier tests advanced)
    assert Ncr.objects.get(number=ncr.number) == ncr and ncr.number == "NCR-{:06d}".format(ncr.pk)
    assert (ncr.source, ncr.status, ncr.hold.kind) == ("manual", "open", HoldKind.NCR)
    assert ncr.evidence["unit"] == at_step2.unit.serial
    assert ncr.evidence["operator"] == "ines"
    assert NcrEvent.objects.filter(ncr=ncr, kind="raised").count() == 1
    assert AuditEntry.objects.filter(action="ncr.raised", subject_id=str(ncr.pk)).count() == 1
    assert OutboxEvent.objects.get(type="ncr.raised").data["unit"] == at_step2.unit.serial


def test_an_ncr_without_a_description_is_refused(at_step2, inspector):
    with pytest.raises(DomainError) as refused:
        raise_ncr(unit=at_step2.unit, description=" ", actor=inspector)
    assert refused.value.code == "description_required"
    assert Ncr.objects.count() == 0
    at_step2.unit.refresh_from_db()
    assert at_step2.unit.status == UnitStatus.IN_PROGRESS
