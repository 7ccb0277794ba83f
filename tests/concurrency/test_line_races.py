"""Races on the line, on PostgreSQL with real row locks: eight tablets at once, exactly one wins."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from core.errors import DomainError
from line.models import Consumption, MaterialLot, StepSignOff, Unit
from line.services import scans
from line.services import stations as station_services
from line.services import units as unit_services
from line.services import work_orders as work_order_services
from tests.line.conftest import line  # noqa: F401  (the line's fixture graph)

THREADS = 8

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(work) -> tuple[list, list[str]]:
    """Run `work(index)` in THREADS threads released at the same moment; each thread has its own
    connection."""
    barrier = threading.Barrier(THREADS)
    successes: list = []
    refusals: list[str] = []
    lock = threading.Lock()

    def target(index: int) -> None:
        try:
            barrier.wait()
            outcome = work(index)
            with lock:
                successes.append(outcome)
        except DomainError as error:
            with lock:
                refusals.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return successes, refusals


@pytest.mark.invariant(3)
def test_eight_tablets_signing_off_the_same_step_sign_it_once(line, operator):  # noqa: F811
    unit_services.start_unit(unit=line.unit, actor=operator, station=line.station)
    scans.record_scan(
        unit=line.unit, step=line.step1, barcode="PCB-0001", actor=operator, station=line.station
    )

    def sign(_index):
        return unit_services.sign_off_step(
            unit=Unit.objects.get(pk=line.unit.pk), step=line.step1, actor=operator, station=line.station
        )

    successes, refusals = run_together(sign)
    assert successes == [line.step2]
    assert sorted(set(refusals)) == ["already_signed_off"]
    assert len(refusals) == THREADS - 1
    assert StepSignOff.objects.filter(unit=line.unit, step=line.step1).count() == 1
    assert Unit.objects.get(pk=line.unit.pk).current_step_id == line.step2.pk


@pytest.mark.invariant(4)
def test_eight_tablets_consuming_a_lot_that_holds_enough_for_one(line, operator, engineer):  # noqa: F811
    # given eight started units at a station without a WIP limit, each needing the one PCB serial PCB-0001
    station_services.register_station(code="ST-2", work_center="ASSY-1", actor=engineer)
    station_services.assign_stations(user=operator, station_codes=["ST-2"], actor=engineer)
    station = line.station.__class__.objects.get(code="ST-2")
    work_order = work_order_services.create_work_order(
        number="WO-8", part_number="100-200", quantity=THREADS, actor=engineer
    )
    units = list(work_order.units.order_by("serial"))
    for unit in units:
        unit_services.start_unit(unit=unit, actor=operator, station=station)

    def scan(index):
        return scans.record_scan(
            unit=units[index], step=line.step1, barcode="PCB-0001", actor=operator, station=station
        )

    successes, refusals = run_together(scan)
    assert len(successes) == 1
    assert sorted(set(refusals)) == ["lot_used_up"]
    assert len(refusals) == THREADS - 1
    lot = MaterialLot.objects.get(code="PCB-0001")
    assert lot.quantity_remaining == Decimal("0")
    assert lot.status == "consumed"
    assert Consumption.objects.filter(lot=lot).count() == 1
