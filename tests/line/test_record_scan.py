"""record_scan (invariant 4): the right lot is consumed; every wrong scan is refused, logged, consumes
nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest

from core.errors import DomainError
from core.models import OutboxEvent
from line.choices import HoldKind, LotStatus
from line.models import Consumption, LotEvent, MaterialLot, ScanRefusal
from line.services import lots as lot_services
from line.services import scans
from line.services import units as unit_services
from tests.line.conftest import PCB_GTIN, remaining, today


def lot_quantities():
    return dict(MaterialLot.objects.values_list("code", "quantity_remaining"))


def refuse(line, actor, *, barcode, step=None, quantity=None):
    """Scan, expect a refusal, and check that nothing was consumed but the refusal was logged."""
    before = (
        lot_quantities(),
        Consumption.objects.count(),
        LotEvent.objects.count(),
        ScanRefusal.objects.count(),
        OutboxEvent.objects.filter(type="lot.consumed").count(),
    )
    with pytest.raises(DomainError) as refused:
        scans.record_scan(
            unit=line.unit,
            step=step or line.step2,
            barcode=barcode,
            quantity=quantity,
            actor=actor,
            station=line.station,
        )
    assert lot_quantities() == before[0]
    assert Consumption.objects.count() == before[1]
    assert LotEvent.objects.count() == before[2]
    assert OutboxEvent.objects.filter(type="lot.consumed").count() == before[4]
    assert ScanRefusal.objects.count() == before[3] + 1
    logged = ScanRefusal.objects.order_by("-id").first()
    assert logged.code == refused.value.code
    assert logged.barcode == barcode
    assert logged.actor == actor
    assert logged.unit == line.unit
    return refused.value


@pytest.mark.invariant(4)
def test_a_plain_lot_code_consumes_the_open_quantity(at_step2, operator):
    consumption = scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="SCR-1", actor=operator, station=at_step2.station
    )
    assert consumption.quantity == Decimal("4")
    assert consumption.part_number == "300-550"
    assert consumption.station == at_step2.station
    assert MaterialLot.objects.get(code="SCR-1").quantity_remaining == Decimal("96")
    event = OutboxEvent.objects.filter(type="lot.consumed").last()
    assert event.data["lot"] == "SCR-1"
    assert event.data["unit"] == at_step2.unit.serial


@pytest.mark.invariant(4)
def test_a_gs1_serial_label_consumes_the_received_serial(started, operator):
    consumption = scans.record_scan(
        unit=started.unit,
        step=started.step1,
        barcode="]d201" + PCB_GTIN + "21PCB-0002",
        actor=operator,
        station=started.station,
    )
    assert consumption.lot.code == "PCB-0002"
    lot = MaterialLot.objects.get(code="PCB-0002")
    assert lot.quantity_remaining == 0
    assert lot.status == LotStatus.CONSUMED


@pytest.mark.invariant(4)
def test_a_partial_quantity_then_a_second_lot_fills_the_requirement(at_step2, operator, engineer):
    lot_services.receive_lot(part_number="300-550", lot="SCR-2", quantity=2, actor=engineer)
    scans.record_scan(
        unit=at_step2.unit,
        step=at_step2.step2,
        barcode="SCR-2",
        quantity="2",
        actor=operator,
        station=at_step2.station,
    )
    second = scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="SCR-1", actor=operator, station=at_step2.station
    )
    assert second.quantity == Decimal("2")


@pytest.mark.invariant(4)
def test_wrong_part_is_refused(at_step2, operator):
    error = refuse(at_step2, operator, barcode="PCB-0002")
    assert error.code == "wrong_part"
    assert "300-550" in error.message


@pytest.mark.invariant(4)
def test_unknown_lot_is_refused(at_step2, operator):
    assert refuse(at_step2, operator, barcode="NOPE-1").code == "unknown_lot"


@pytest.mark.invariant(4)
def test_an_unreceived_serial_is_refused(started, operator):
    error = refuse(started, operator, step=started.step1, barcode="]d201" + PCB_GTIN + "21PCB-9999")
    assert error.code == "unknown_lot"
    assert "Serial PCB-9999" in error.message


@pytest.mark.invariant(4)
def test_a_lot_of_a_revision_not_allowed_is_refused(at_step2, operator, engineer):
    lot_services.receive_lot(part_number="300-550", lot="SCR-OLD", quantity=50, revision="0", actor=engineer)
    error = refuse(at_step2, operator, barcode="SCR-OLD")
    assert error.code == "revision_not_allowed"
    assert "rev 0" in error.message


@pytest.mark.invariant(4)
def test_a_quarantined_lot_is_refused(at_step2, operator, inspector):
    lot_services.quarantine_lot(lot=at_step2.screws, reason="Supplier recall", actor=inspector)
    assert refuse(at_step2, operator, barcode="SCR-1").code == "lot_quarantined"


@pytest.mark.invariant(4)
def test_an_expired_lot_is_refused(at_step2, operator, engineer):
    lot_services.receive_lot(
        part_number="300-900",
        lot="TL-OLD",
        quantity=5,
        expires_on=today() - timedelta(days=1),
        actor=engineer,
    )
    assert refuse(at_step2, operator, barcode="TL-OLD").code == "lot_expired"


@pytest.mark.invariant(4)
def test_a_label_whose_gs1_expiry_has_passed_is_refused(started, operator):
    barcode = "]C101" + PCB_GTIN + "17200101" + "21PCB-0002"
    assert refuse(started, operator, step=started.step1, barcode=barcode).code == "lot_expired"


@pytest.mark.invariant(4)
def test_a_used_up_lot_is_refused(started, operator):
    # PCB-0001 went into... nothing yet: use it up on this unit's step 1, then try it on the next unit.
    scans.record_scan(
        unit=started.unit, step=started.step1, barcode="PCB-0001", actor=operator, station=started.station
    )
    unit_services.sign_off_step(
        unit=started.unit, step=started.step1, actor=operator, station=started.station
    )
    second = started.units[1]
    unit_services.start_unit(unit=second, actor=operator, station=started.station)
    started.units[0] = second
    assert refuse(started, operator, step=started.step1, barcode="PCB-0001").code == "lot_used_up"


@pytest.mark.invariant(4)
def test_a_lot_too_small_is_refused(at_step2, operator, engineer):
    lot_services.receive_lot(part_number="300-550", lot="SCR-3", quantity=3, actor=engineer)
    error = refuse(at_step2, operator, barcode="SCR-3")
    assert error.code == "insufficient_quantity"
    assert "holds only 3" in error.message


@pytest.mark.invariant(4)
def test_more_than_the_step_needs_is_refused(at_step2, operator):
    assert refuse(at_step2, operator, barcode="SCR-1", quantity="5").code == "quantity_exceeds_requirement"


@pytest.mark.invariant(4)
def test_a_part_already_complete_is_refused(at_step2, operator):
    scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="SCR-1", actor=operator, station=at_step2.station
    )
    assert refuse(at_step2, operator, barcode="SCR-1").code == "already_complete"


@pytest.mark.invariant(4)
def test_a_bad_gs1_label_is_refused(at_step2, operator):
    assert (
        refuse(at_step2, operator, barcode="]C101" + "09506000134353" + "10SCR-1").code == "invalid_barcode"
    )


@pytest.mark.invariant(4)
def test_a_gtin_of_another_part_is_refused(engineer, started, operator):
    # 200-010 has a GTIN; a label with another GTIN and PCB-0002's serial is not that part.
    barcode = "]d201" + "00000000000017" + "21PCB-0002"
    assert refuse(started, operator, step=started.step1, barcode=barcode).code == "wrong_part"


@pytest.mark.invariant(5)
def test_a_held_unit_cannot_be_scanned_into(at_step2, operator, inspector):
    unit_services.place_hold(unit=at_step2.unit, kind=HoldKind.MANUAL, reason="Check", actor=inspector)
    error = refuse(at_step2, operator, barcode="SCR-1")
    assert error.code == "unit_on_hold"
    assert error.status == 409


def test_a_step_that_is_not_current_is_refused(started, operator):
    assert refuse(started, operator, step=started.step2, barcode="SCR-1").code == "step_not_current"


def test_an_operator_not_assigned_to_the_station_is_refused(started, outsider, engineer):
    from line.services import qualifications

    qualifications.grant_qualification(user=outsider, qualification="ESD-1", actor=engineer)
    error = refuse(started, outsider, step=started.step1, barcode="PCB-0002")
    assert error.code == "station_not_assigned"
    assert error.status == 403


def test_an_operator_without_the_qualification_is_refused(started, outsider, engineer):
    from line.services import stations

    stations.assign_stations(user=outsider, station_codes=["ST-1"], actor=engineer)
    assert refuse(started, outsider, step=started.step1, barcode="PCB-0002").code == "qualification_missing"


def test_an_expired_qualification_is_refused(started, operator, engineer):
    from line.services import qualifications

    qualifications.grant_qualification(
        user=operator, qualification="ESD-1", expires_on=today() - timedelta(days=1), actor=engineer
    )
    assert refuse(started, operator, step=started.step1, barcode="PCB-0002").code == "qualification_expired"


@pytest.mark.invariant(4)
def test_a_gtin_is_checked_against_every_gtin_a_release_gave_the_part(
    started, operator, engineer, release_document
):
    # given a later revision D that gives the screw its GTIN (B and C listed none)
    from tests.conftest import accept

    release_document.update(revision="D", supersedes="C", release_id="ECO-1200")
    release_document["parts"][1]["gtin"] = "09506000134376"
    accept(release_document, engineer)
    line = started
    scans.record_scan(
        unit=line.unit, step=line.step1, barcode="PCB-0001", actor=operator, station=line.station
    )
    from line.services import units as unit_services

    unit_services.sign_off_step(unit=line.unit, step=line.step1, actor=operator, station=line.station)
    before = remaining(line.screws)
    # when a screw lot is scanned with another part's GTIN, it is refused; with its own, consumed
    with pytest.raises(DomainError) as refused:
        scans.record_scan(
            unit=line.unit,
            step=line.step2,
            barcode="(01)09506000134383(10)SCR-1(30)4",
            actor=operator,
            station=line.station,
        )
    assert refused.value.code == "wrong_part"
    assert remaining(line.screws) == before
    scans.record_scan(
        unit=line.unit,
        step=line.step2,
        barcode="(01)09506000134376(10)SCR-1(30)4",
        actor=operator,
        station=line.station,
    )
    assert remaining(line.screws) == before - 4


@pytest.mark.invariant(4)
def test_a_label_with_quantity_zero_is_refused_with_a_code(at_step2, operator):
    # GS1 allows (30)0; before this, the 0 reached the database's quantity constraint.
    refused = refuse(at_step2, operator, barcode="(01)" + PCB_GTIN + "(10)SCR-1(30)0")
    assert refused.code == "invalid_quantity"
    assert "(30) is 0" in refused.message


@pytest.mark.invariant(4)
@pytest.mark.parametrize(
    ("barcode", "code"),
    [
        pytest.param(
            "]C101" + PCB_GTIN + "10SCR-1" + "17271231", "ambiguous_barcode", id="dropped_separator"
        ),
        pytest.param("https://id.gs1.org/01/09506000134353/10/SCR-1", "invalid_barcode", id="digital_link"),
        pytest.param("]E04006381333932", "invalid_barcode", id="ean13_check_digit"),
    ],
)
def test_unreadable_gs1_labels_are_refused_and_logged(at_step2, operator, barcode, code):
    assert refuse(at_step2, operator, barcode=barcode).code == code


@pytest.mark.invariant(4)
def test_a_digital_link_consumes_the_lot_it_names(at_step2, operator):
    consumption = scans.record_scan(
        unit=at_step2.unit,
        step=at_step2.step2,
        barcode="https://id.gs1.org/01/" + PCB_GTIN + "/10/SCR-1?30=2",
        actor=operator,
        station=at_step2.station,
    )
    assert (consumption.lot.code, consumption.quantity) == ("SCR-1", Decimal("2"))


@pytest.mark.invariant(4)
def test_a_dropped_separator_that_hides_a_known_lot_is_refused_as_ambiguous(at_step2, operator):
    # (01)…(10)SCR-1(30)4 from a scanner that sends no FNC1 reads as lot 'SCR-1304', which is
    # unknown; read the other way it names SCR-1, so the label is ambiguous, not an unknown lot.
    refused = refuse(at_step2, operator, barcode="]C101" + PCB_GTIN + "10SCR-1" + "304")
    assert refused.code == "ambiguous_barcode"
    assert "separator" in refused.message
    assert refuse(at_step2, operator, barcode="]C101" + PCB_GTIN + "10XYZ-1" + "304").code == "unknown_lot"


@pytest.mark.invariant(4)
def test_a_plain_product_code_is_checked_when_it_is_no_lot(at_step2, operator):
    # A scanner without identifiers sends EAN-13 4006381333931 as its digits: no known lot, so it
    # is named for what it is, and a wrong check digit is said.
    product = refuse(at_step2, operator, barcode="4006381333931")
    assert (product.code, product.reason) == ("invalid_barcode", "product_code_only")
    damaged = refuse(at_step2, operator, barcode="4006381333932")
    assert (damaged.code, damaged.reason) == ("invalid_barcode", "check_digit")
    assert refuse(at_step2, operator, barcode="40063813").code == "invalid_barcode"  # EAN-8, bad check digit
