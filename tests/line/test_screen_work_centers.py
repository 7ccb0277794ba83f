"""A unit going on from one work center to the next: the station it leaves lets it go, the next one has it."""

import copy

import pytest
from django.urls import reverse

from line.choices import UnitStatus
from line.models import Unit
from line.selectors import station_queue
from line.services import results, scans, tools
from line.services import stations as station_services
from line.services import units as unit_services
from line.services import work_orders as work_order_services
from tests.conftest import PASSWORD, accept
from tests.line.screens import sign_in, tablet_client

HTMX = {"HX-Request": "true"}


def _with_test_operation(document: dict) -> dict:
    """Rev T of 100-200: OP10 at ASSY-1 as released, then OP20 at TEST-1 (one pass/fail check)."""
    document = copy.deepcopy(document)
    document.update(revision="T", release_id="ECO-9T")
    document.pop("supersedes", None)
    document["operations"].append(
        {
            "sequence": 20,
            "code": "OP20",
            "title": "Test",
            "work_center": "TEST-1",
            "steps": [
                {
                    "sequence": 10,
                    "title": "Power-on test",
                    "instruction": "Power the unit on.",
                    "characteristics": [{"code": "PWR", "name": "Powers on", "kind": "attribute"}],
                    "signoff": "operator",
                }
            ],
        }
    )
    return document


@pytest.fixture
def handover(line, release_document, engineer, operator):
    """A unit of rev T at ASSY-1's last step, everything recorded; a TEST-1 station for the operator."""
    accept(_with_test_operation(release_document), engineer)
    test_station = station_services.register_station(
        code="TS-1", work_center="TEST-1", name="Test 1", actor=engineer
    )
    station_services.assign_stations(user=operator, station_codes=["ST-1", "TS-1"], actor=engineer)
    unit = work_order_services.create_work_order(
        number="WO-T", part_number="100-200", quantity=1, revision="T", actor=engineer
    ).units.get()
    unit_services.start_unit(unit=unit, actor=operator, station=line.station)
    unit.refresh_from_db()
    work = {"unit": unit, "actor": operator, "station": line.station}
    scans.record_scan(step=unit.current_step_id, barcode="PCB-0001", **work)
    unit_services.sign_off_step(step=unit.current_step_id, **work)
    unit.refresh_from_db()
    step = unit.current_step_id
    scans.record_scan(step=step, barcode="SCR-1", **work)
    scans.record_scan(step=step, barcode="TL-1", **work)
    tools.record_tool_scan(step=step, barcode="TD-0.6", **work)
    results.record_result(step=step, characteristic_code="TQ1", value="0.61", gauge="G-TQ-1", **work)
    results.record_result(step=step, characteristic_code="VIS1", passed=True, **work)
    return Unit.objects.get(pk=unit.pk), test_station


def test_the_last_step_of_a_work_center_sends_the_unit_on_and_frees_the_station(
    handover, line, engineer, operator, inspector
):
    unit, test_station = handover
    assembly = tablet_client(line.station, engineer=engineer)
    sign_in(assembly, "B-1001")
    step2 = unit.current_step_id
    # when the last ASSY-1 step is signed off at the assembly tablet
    response = assembly.post(
        reverse("mes:step-sign-off", args=[unit.serial]),
        {
            "idempotency_key": "k",
            "step": step2,
            "inspector_username": inspector.username,
            "inspector_password": PASSWORD,
        },
        headers=HTMX,
    )
    # then the tablet goes back to its station and says where the unit goes on
    assert response.status_code == 200 and response["HX-Redirect"] == reverse("mes:station-home")
    station = assembly.get(reverse("mes:station-home"))
    assert (
        "goes on at work center TEST-1 (step 3: Power-on test): take it to a TEST-1 station" in station.text
    )
    # and the assembly station no longer has it in work, nor counts it against its WIP limit
    here = station_queue(line.station)
    assert unit.pk not in [u.pk for u in here.in_progress] and here.wip_count == 0
    assert Unit.objects.in_progress_at(line.station).count() == 0
    # while the test station has it waiting
    assert unit.pk in [u.pk for u in station_queue(test_station).waiting]
    # and opening its step at the assembly tablet says the same instead of offering the step
    again = assembly.get(reverse("mes:unit-step", args=[unit.serial]))
    assert again.status_code == 302 and again["Location"] == reverse("mes:station-home")
    # at the test station it is the step to do
    testing = tablet_client(test_station, engineer=engineer, name="Tablet T")
    sign_in(testing, "B-1001")
    screen = testing.get(reverse("mes:unit-step", args=[unit.serial]))
    assert screen.status_code == 200 and "Power-on test" in screen.text
    assert Unit.objects.get(pk=unit.pk).status == UnitStatus.IN_PROGRESS


def test_a_unit_held_on_its_way_shows_at_the_next_work_center_without_counting(
    handover, line, engineer, operator, inspector
):
    from line.choices import HoldKind

    unit, test_station = handover
    unit_services.sign_off_step(
        unit=unit,
        step=unit.current_step_id,
        actor=operator,
        station=line.station,
        countersigner=unit_services.Countersignature(username=inspector.username, password=PASSWORD),
    )
    unit_services.place_hold(
        unit=Unit.objects.get(pk=unit.pk), kind=HoldKind.MANUAL, actor=engineer, reason="Check the housing"
    )
    assert station_queue(line.station).on_hold == []
    queue = station_queue(test_station)
    assert [u.pk for u in queue.on_hold] == [unit.pk] and queue.wip_count == 0
