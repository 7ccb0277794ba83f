from decimal import Decimal

from line.choices import UnitStatus
from line.services import results, scans, tools
from line.services import units as unit_services
from tests.line.conftest import countersignature


def test_a_unit_goes_from_start_to_completion(at_step2, operator, inspector):
    line = at_step2
    unit = line.unit
    scans.record_scan(unit=unit, step=line.step2, barcode="SCR-1", actor=operator, station=line.station)
    scans.record_scan(unit=unit, step=line.step2, barcode="TL-1", actor=operator, station=line.station)
    tools.record_tool_scan(unit=unit, step=line.step2, barcode="TD-0.6", actor=operator, station=line.station)
    outcome = results.record_result(
        unit=unit,
        step=line.step2,
        characteristic_code="TQ1",
        value="0.6",
        gauge="G-TQ-1",
        actor=operator,
        station=line.station,
    )
    assert outcome.in_tolerance is True
    results.record_result(
        unit=unit,
        step=line.step2,
        characteristic_code="VIS1",
        passed=True,
        actor=operator,
        station=line.station,
    )
    next_step = unit_services.sign_off_step(
        unit=unit,
        step=line.step2,
        actor=operator,
        station=line.station,
        countersigner=countersignature(inspector),
    )
    assert next_step is None
    unit.refresh_from_db()
    assert unit.status == UnitStatus.COMPLETED
    assert line.screws.__class__.objects.get(pk=line.screws.pk).quantity_remaining == Decimal("96")
