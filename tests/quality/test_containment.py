"""Containment whatever the lot's status; a contained lot is released only through its NCRs' dispositions."""

import pytest

from core.choices import Role
from line.models import Hold, MaterialLot, Unit
from line.services import lots as lot_services
from line.services import scans
from quality.choices import NcrEventKind
from quality.models import Ncr, NcrEvent
from quality.services import containment, dispositions, ncrs
from tests.conftest import api_client_for
from tests.quality.conftest import sig
from tests.quality.test_raise_rights import everything


@pytest.fixture
def screws_used(at_step2, operator):
    scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="SCR-1", actor=operator, station=at_step2.station
    )
    return at_step2


def test_containing_an_already_quarantined_lot_holds_its_units(screws_used, inspector):
    # given the screw lot quarantined earlier without containment
    lot_services.quarantine_lot(lot=screws_used.screws, reason="Certificate missing", actor=inspector)
    assert Unit.objects.get(pk=screws_used.unit.pk).status == "in_progress"
    # when quality contains it under a lot NCR
    outcome = containment.contain_lot(lot=screws_used.screws, description="Supplier recall", actor=inspector)
    # then unit 1 is held by the lot's containment, and the NCR's history says so
    assert [unit.serial for unit in outcome.held_units] == [screws_used.unit.serial]
    assert Unit.objects.get(pk=screws_used.unit.pk).status == "on_hold"
    hold = Hold.objects.get(unit=screws_used.unit)
    assert (hold.kind, hold.lot_id) == ("lot_containment", screws_used.screws.pk)
    event = NcrEvent.objects.get(ncr=outcome.ncr, kind=NcrEventKind.CONTAINMENT)
    assert event.data == {"held_units": [screws_used.unit.serial]}


def test_containing_twice_holds_each_unit_once(screws_used, inspector):
    containment.contain_lot(lot=screws_used.screws, description="Recall", actor=inspector)
    second = containment.contain_lot(
        lot=screws_used.screws, description="Recall, second notice", actor=inspector
    )
    assert second.held_units == []
    assert Hold.objects.filter(unit=screws_used.unit, status="open").count() == 1


def test_a_manual_release_is_refused_while_the_lot_ncr_is_open(screws_used, inspector):
    # given a contained lot under an open NCR
    outcome = containment.contain_lot(lot=screws_used.screws, description="Recall", actor=inspector)
    client = api_client_for(Role.INSPECTOR, "qa-agent")
    before = everything()
    # when an inspector releases the lot through the API instead of dispositioning the NCR
    answer = client.post("/api/v1/lots/SCR-1/release", {"reason": "Fine"}, format="json")
    # then it is refused, naming the NCR, and the unit stays held
    assert answer.status_code == 409, answer.json()
    error = answer.json()["errors"][0]
    assert error["code"] == "lot_has_open_ncr"
    assert outcome.ncr.number in error["message"]
    assert everything() == before


def test_use_as_is_of_the_lot_ncr_releases_the_lot_and_its_units(screws_used, inspector, second_inspector):
    outcome = containment.contain_lot(lot=screws_used.screws, description="Recall", actor=inspector)
    dispositions.disposition_ncr(
        ncr=outcome.ncr,
        decision="use_as_is",
        reason="Sample passed",
        actor=inspector,
        signatures=[sig(inspector), sig(second_inspector, "reviewed")],
    )
    assert MaterialLot.objects.get(pk=screws_used.screws.pk).status == "available"
    assert Unit.objects.get(pk=screws_used.unit.pk).status == "in_progress"
    assert Hold.objects.filter(status="open").count() == 0


def test_use_as_is_of_the_lot_ncr_keeps_the_lot_while_a_unit_ncr_on_it_is_open(
    screws_used, inspector, second_inspector, operator
):
    # given a contained lot and a unit's NCR about the same lot, still open
    outcome = containment.contain_lot(lot=screws_used.screws, description="Recall", actor=inspector)
    unit_ncr = ncrs.raise_ncr(
        unit=Unit.objects.get(pk=screws_used.unit.pk),
        step=screws_used.step2,
        lot=screws_used.screws,
        description="Screw head cracked",
        actor=operator,
        station=screws_used.station,
    )
    # when the lot NCR is dispositioned use as is
    dispositions.disposition_ncr(
        ncr=outcome.ncr,
        decision="use_as_is",
        reason="Sample passed",
        actor=inspector,
        signatures=[sig(inspector), sig(second_inspector, "reviewed")],
    )
    # then the disposition stands, the lot stays quarantined, the unit stays held, and the history says why
    assert Ncr.objects.get(pk=outcome.ncr.pk).status == "dispositioned"
    assert MaterialLot.objects.get(pk=screws_used.screws.pk).status == "quarantined"
    assert Unit.objects.get(pk=screws_used.unit.pk).status == "on_hold"
    note = NcrEvent.objects.get(ncr=outcome.ncr, kind=NcrEventKind.NOTE)
    assert unit_ncr.number in note.reason
