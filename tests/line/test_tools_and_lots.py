"""Tool scans, lot receipt, quarantine with containment, release, where-used."""

from datetime import timedelta
from decimal import Decimal

import pytest

from core.errors import DomainError
from line.choices import HoldKind, HoldStatus, LotStatus, UnitStatus
from line.models import Hold, MaterialLot, ToolScan
from line.selectors import where_used
from line.services import lots as lot_services
from line.services import scans, tools
from tests.line.conftest import today


def test_the_required_tool_is_scanned(at_step2, operator):
    scan = tools.record_tool_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="TD-0.6", actor=operator, station=at_step2.station
    )
    assert scan.tool.code == "TD-0.6"


@pytest.mark.parametrize(
    ("barcode", "code"),
    [("G-TQ-1", "not_required_here"), ("TD-9", "not_required_here")],
)
def test_a_tool_the_step_does_not_use_is_refused(at_step2, operator, barcode, code):
    with pytest.raises(DomainError) as refused:
        tools.record_tool_scan(
            unit=at_step2.unit, step=at_step2.step2, barcode=barcode, actor=operator, station=at_step2.station
        )
    assert refused.value.code == code
    assert ToolScan.objects.count() == 0


def test_a_tool_scan_at_a_step_without_tools_is_refused(started, operator):
    with pytest.raises(DomainError) as refused:
        tools.record_tool_scan(
            unit=started.unit, step=started.step1, barcode="TD-0.6", actor=operator, station=started.station
        )
    assert refused.value.code == "not_required_here"


def test_a_tool_past_its_calibration_is_refused(at_step2, operator, engineer):
    tools.register_tool(code="TD-0.6", calibration_due=today() - timedelta(days=1), actor=engineer)
    with pytest.raises(DomainError) as refused:
        tools.record_tool_scan(
            unit=at_step2.unit,
            step=at_step2.step2,
            barcode="TD-0.6",
            actor=operator,
            station=at_step2.station,
        )
    assert refused.value.code == "tool_calibration_expired"
    assert ToolScan.objects.count() == 0


def test_a_lot_is_received_with_the_revision_of_the_newest_release(line):
    assert line.pcb_serials[0].part_revision == "B"
    assert line.screws.part_revision == "A"
    assert line.screws.quantity_remaining == Decimal("100")


def test_a_lot_of_a_shelf_life_part_expires_by_default(line):
    # 300-900 has a shelf life of 365 days, but the fixture gave an explicit date: explicit wins.
    assert line.locker.expires_on == today() + timedelta(days=30)
    other = lot_services.receive_lot(
        part_number="300-900", lot="TL-2", quantity=1, actor=line.unit.work_order.created_by
    )
    assert other.expires_on == today() + timedelta(days=365)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        pytest.param(
            {"part_number": "999-999", "lot": "X-1", "quantity": 1}, "unknown_part", id="unknown_part"
        ),
        pytest.param({"part_number": "300-550", "lot": "SCR-1", "quantity": 1}, "lot_exists", id="duplicate"),
        pytest.param({"part_number": "300-550", "lot": "X-2", "quantity": 0}, "invalid_quantity", id="zero"),
        pytest.param(
            {"part_number": "200-010", "lot": "X-3", "quantity": 2}, "serial_quantity_one", id="serial_of_two"
        ),
    ],
)
def test_bad_receipts_are_refused(line, engineer, kwargs, code):
    before = MaterialLot.objects.count()
    with pytest.raises(DomainError) as refused:
        lot_services.receive_lot(actor=engineer, **kwargs)
    assert refused.value.code == code
    assert MaterialLot.objects.count() == before


def test_quarantine_with_containment_holds_every_unfinished_unit_that_consumed_it(
    at_step2, operator, inspector
):
    scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="SCR-1", actor=operator, station=at_step2.station
    )
    outcome = lot_services.quarantine_lot(
        lot=at_step2.screws, reason="Supplier recall", contain=True, actor=inspector
    )
    assert [unit.serial for unit in outcome.held_units] == [at_step2.unit.serial]
    at_step2.unit.refresh_from_db()
    assert at_step2.unit.status == UnitStatus.ON_HOLD
    hold = Hold.objects.get(unit=at_step2.unit)
    assert (hold.kind, hold.lot) == (HoldKind.LOT_CONTAINMENT, at_step2.screws)
    # releasing the lot releases its containment holds and the unit resumes
    released = lot_services.release_lot(lot=at_step2.screws, reason="Recall withdrawn", actor=inspector)
    assert released.lot.status == LotStatus.AVAILABLE
    hold.refresh_from_db()
    assert hold.status == HoldStatus.RELEASED
    at_step2.unit.refresh_from_db()
    assert at_step2.unit.status == UnitStatus.IN_PROGRESS


def test_quarantining_a_quarantined_lot_is_refused(line, inspector):
    lot_services.quarantine_lot(lot=line.screws, reason="Recall", actor=inspector)
    with pytest.raises(DomainError) as refused:
        lot_services.quarantine_lot(lot=line.screws, reason="Again", actor=inspector)
    assert refused.value.code == "lot_already_quarantined"


def test_releasing_an_available_lot_is_refused(line, inspector):
    with pytest.raises(DomainError) as refused:
        lot_services.release_lot(lot=line.screws, reason="?", actor=inspector)
    assert refused.value.code == "lot_not_quarantined"


def test_where_used_lists_units_and_steps(at_step2, operator):
    scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="SCR-1", actor=operator, station=at_step2.station
    )
    used = where_used(MaterialLot.objects.get(code="SCR-1"))
    assert [(row.serial, row.step_id, row.quantity) for row in used.rows] == [
        (at_step2.unit.serial, at_step2.step2.pk, Decimal("4"))
    ]


def test_the_database_refuses_a_negative_remaining_quantity(line):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MaterialLot.objects.filter(pk=line.screws.pk).update(quantity_remaining=-1)


@pytest.mark.invariant(11)
def test_updating_a_tool_without_a_date_keeps_its_calibration_date(engineer):
    from datetime import date

    from line.services.tools import register_tool

    register_tool(code="TD-X", calibration_due=date(2020, 1, 1), actor=engineer)
    tool, created = register_tool(code="TD-X", name="renamed", actor=engineer)
    assert (created, tool.name, tool.calibration_due) == (False, "renamed", date(2020, 1, 1))
    cleared, _created = register_tool(code="TD-X", calibration_due=None, actor=engineer)
    assert cleared.calibration_due is None


def test_the_api_keeps_the_calibration_date_when_it_is_left_out(engineer):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(engineer)
    client.post("/api/v1/tools", {"code": "TD-Y", "calibration_due": "2020-01-01"}, format="json")
    response = client.post("/api/v1/tools", {"code": "TD-Y", "name": "renamed"}, format="json")
    assert response.status_code == 200
    assert response.json()["calibration_due"] == "2020-01-01"


@pytest.mark.invariant(11)
def test_nobody_grants_a_qualification_to_themselves(engineer):
    from core.errors import DomainError
    from line.models import QualificationGrant
    from line.services.qualifications import grant_qualification

    with pytest.raises(DomainError) as refused:
        grant_qualification(user=engineer, qualification="ESD-1", actor=engineer)
    assert (refused.value.code, refused.value.status) == ("self_grant", 403)
    assert QualificationGrant.objects.count() == 0


def test_a_renewal_without_a_date_keeps_the_expiry(engineer, operator):
    from datetime import date

    from line.services.qualifications import grant_qualification

    grant_qualification(user=operator, qualification="ESD-1", actor=engineer, expires_on=date(2027, 1, 31))
    grant, created = grant_qualification(user=operator, qualification="ESD-1", actor=engineer)
    assert (created, grant.expires_on) == (False, date(2027, 1, 31))


def lot_snapshot(lot):
    """Everything a refused quarantine, containment or release must leave as it was."""
    from core.models import AuditEntry, OutboxEvent
    from line.models import LotEvent, Unit

    return {
        "lot": MaterialLot.objects.get(pk=lot.pk).status,
        "holds": list(Hold.objects.order_by("pk").values_list("pk", "status")),
        "units": list(Unit.objects.order_by("pk").values_list("serial", "status")),
        "lot_events": LotEvent.objects.count(),
        "audit": AuditEntry.objects.count(),
        "outbox": OutboxEvent.objects.count(),
    }


@pytest.mark.parametrize("who", ["operator", "agent", "engineer"])
@pytest.mark.parametrize("act", ["quarantine", "contain_units", "release"])
def test_only_an_identity_with_quarantine_rights_holds_or_frees_a_lot(
    request, at_step2, operator, inspector, who, act
):
    # given the screw lot consumed by unit 1 (quarantined already when the act is a release)
    scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="SCR-1", actor=operator, station=at_step2.station
    )
    if act == "release":
        lot_services.quarantine_lot(lot=at_step2.screws, reason="Recall", contain=True, actor=inspector)
    actor = request.getfixturevalue(who)
    before = lot_snapshot(at_step2.screws)
    # when an identity without mes.quarantine_lot calls the service directly
    with pytest.raises(DomainError) as refused:
        if act == "quarantine":
            lot_services.quarantine_lot(lot=at_step2.screws, reason="Recall", contain=True, actor=actor)
        elif act == "contain_units":
            lot_services.contain_units(lot=at_step2.screws, reason="Recall", actor=actor)
        else:
            lot_services.release_lot(lot=at_step2.screws, reason="Fine", actor=actor)
    # then it is refused (403) and nothing changed
    assert (refused.value.status, refused.value.code) == (403, "permission_denied")
    assert lot_snapshot(at_step2.screws) == before


def test_contain_units_holds_the_units_of_an_already_quarantined_lot_once(at_step2, operator, inspector):
    # given the screw lot consumed by unit 1, then quarantined without containment
    scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="SCR-1", actor=operator, station=at_step2.station
    )
    lot_services.quarantine_lot(lot=at_step2.screws, reason="Suspect", actor=inspector)
    assert Hold.objects.count() == 0
    # when its units are contained
    held = lot_services.contain_units(lot=at_step2.screws, reason="Recall", actor=inspector)
    # then the consuming unit is held by the lot's containment
    assert [unit.serial for unit in held] == [at_step2.unit.serial]
    hold = Hold.objects.get()
    assert (hold.kind, hold.lot_id, hold.status) == (
        HoldKind.LOT_CONTAINMENT,
        at_step2.screws.pk,
        HoldStatus.OPEN,
    )
    # and containing again holds nothing more (idempotent)
    before = lot_snapshot(at_step2.screws)
    assert lot_services.contain_units(lot=at_step2.screws, reason="Recall", actor=inspector) == []
    assert lot_snapshot(at_step2.screws) == before


def test_contain_units_skips_finished_units_and_units_held_by_another_containment_only_for_that_lot(
    at_step2, operator, inspector
):
    # given unit 1 consumed the screws and is already held by the locker lot's containment
    scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="SCR-1", actor=operator, station=at_step2.station
    )
    scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="TL-1", actor=operator, station=at_step2.station
    )
    lot_services.quarantine_lot(lot=at_step2.locker, reason="Locker recall", contain=True, actor=inspector)
    # when the screws are contained
    held = lot_services.contain_units(lot=at_step2.screws, reason="Screw recall", actor=inspector)
    # then the unit gets a second containment hold, for the screws
    assert [unit.serial for unit in held] == [at_step2.unit.serial]
    assert sorted(Hold.objects.filter(status=HoldStatus.OPEN).values_list("lot__code", flat=True)) == [
        "SCR-1",
        "TL-1",
    ]


def test_release_is_refused_while_an_ncr_names_the_lot(at_step2, operator, inspector):
    from quality.services import ncrs

    # given the quarantined screw lot and an open NCR about it
    lot_services.quarantine_lot(lot=at_step2.screws, reason="Recall", actor=inspector)
    ncr = ncrs.raise_ncr(
        unit=None, lot=at_step2.screws, description="Thread gauge fails", actor=inspector, hold=False
    )
    before = lot_snapshot(at_step2.screws)
    # when quality releases the lot by hand
    with pytest.raises(DomainError) as refused:
        lot_services.release_lot(lot=at_step2.screws, reason="Looks fine", actor=inspector)
    # then it is refused, naming the NCR, and nothing changed
    assert (refused.value.status, refused.value.code) == (409, "lot_has_open_ncr")
    assert ncr.number in refused.value.message
    assert lot_snapshot(at_step2.screws) == before


@pytest.mark.invariant(4)
def test_a_lot_received_past_its_date_is_recorded_as_expired(released_c, engineer):
    from datetime import date

    from line.models import LotEvent
    from line.services.lots import receive_lot

    lot = receive_lot(
        part_number="300-900", lot="TL-LATE", quantity=5, actor=engineer, expires_on=date(2020, 1, 1)
    )
    lot.refresh_from_db()
    assert lot.status == "expired"
    assert list(LotEvent.objects.filter(lot=lot).order_by("id").values_list("kind", "after")) == [
        ("received", "available"),
        ("status", "expired"),
    ]
