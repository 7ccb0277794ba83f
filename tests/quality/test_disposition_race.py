"""An NCR raised on a unit during its other NCR's disposition keeps the hold; the disposition stands."""

import pytest

from line.models import Hold, Unit
from line.services import units as unit_services
from quality.models import Disposition, Ncr
from quality.services import dispositions, ncrs
from tests.quality.conftest import sig


@pytest.mark.invariant(5)
def test_an_ncr_raised_just_before_the_unit_lock_keeps_the_hold(
    ncr_at_step2, inspector, second_inspector, operator, at_step2, monkeypatch
):
    # given: another transaction raises an NCR on the unit and commits just before the disposition
    # takes the unit's lock (the last moment it can: after that it waits for the disposition)
    real_lock_unit = unit_services.lock_unit
    raised = []

    def lock_unit(unit):
        if not raised:
            raised.append(None)
            raised[0] = ncrs.raise_ncr(
                unit=Unit.objects.get(pk=ncr_at_step2.unit_id),
                step=at_step2.step2,
                description="Housing scratched",
                actor=operator,
                station=at_step2.station,
            )
        return real_lock_unit(unit)

    monkeypatch.setattr(unit_services, "lock_unit", lock_unit)
    # when the first NCR is dispositioned use as is
    outcome = dispositions.disposition_ncr(
        ncr=ncr_at_step2,
        decision="use_as_is",
        reason="Within function",
        actor=inspector,
        signatures=[sig(inspector), sig(second_inspector, "reviewed")],
    )
    # then the signed disposition stands and the hold is kept for the new NCR
    assert outcome.kept_on_hold_by == [raised[0].number]
    assert Disposition.objects.filter(ncr=ncr_at_step2).count() == 1
    assert Ncr.objects.get(pk=ncr_at_step2.pk).status == "dispositioned"
    assert Unit.objects.get(pk=ncr_at_step2.unit_id).status == "on_hold"
    assert Hold.objects.filter(unit_id=ncr_at_step2.unit_id, status="open").count() == 2
