"""Check-then-insert races on PostgreSQL: the loser gets the coded 409, never a 500."""

import pytest

from line.models import MaterialLot, Station, Unit, WorkOrder
from line.services import lots as lot_services
from line.services import stations as station_services
from line.services import work_orders as work_order_services
from tests.concurrency.test_line_races import THREADS, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_one_lot_code_received_at_once_is_stored_once(released_c, engineer):
    successes, refusals = run_together(
        lambda index: (
            lot_services.receive_lot(part_number="300-550", lot="SCR-RACE", quantity=10, actor=engineer).code
        )
    )
    assert (successes, sorted(refusals)) == (["SCR-RACE"], ["lot_exists"] * (THREADS - 1))
    assert MaterialLot.objects.filter(code="SCR-RACE").count() == 1


def test_one_station_code_registered_at_once_is_stored_once(released_c, engineer):
    successes, refusals = run_together(
        lambda index: (
            station_services.register_station(code="ST-RACE", work_center="ASSY-1", actor=engineer).code
        )
    )
    assert (successes, sorted(refusals)) == (["ST-RACE"], ["station_exists"] * (THREADS - 1))
    assert Station.objects.filter(code="ST-RACE").count() == 1


def test_work_orders_created_at_once_get_distinct_generated_serials(released_c, engineer):
    successes, refusals = run_together(
        lambda index: (
            work_order_services.create_work_order(
                number="WO-R{}".format(index), part_number="100-200", quantity=2, actor=engineer
            ).number
        )
    )
    assert (len(successes), refusals) == (THREADS, [])
    serials = list(Unit.objects.values_list("serial", flat=True))
    assert len(serials) == len(set(serials)) == 2 * THREADS
    assert WorkOrder.objects.count() == THREADS
