# ruff: noqa: F811  (pytest fixtures imported from tests.line.conftest are parameters here)
"""No 500 under contention (issue 9), on PostgreSQL with real row locks and one connection per thread.

Eight tablets sending at the same moment through the whole request stack (token auth, the
idempotency middleware's transaction, the API view, the services): every answer is the success,
the idempotent replay, or a coded refusal with the JSON error body. And the retry of a whole
transaction that PostgreSQL ended for a deadlock or a serialization failure: run again, recorded
once, refused as `busy_try_again` after the bound.
"""

import threading
import uuid

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from core import contention
from core.choices import Role
from core.identities import create_api_token
from core.models import AuditEntry, IdempotencyKey, OutboxEvent
from line import events
from line.models import Consumption, MaterialLot, ScanRefusal, Station, Unit
from line.services import lots as lot_services
from line.services import qualifications as qualification_services
from line.services import stations as station_services
from line.services import units as unit_services
from line.services import work_orders as work_order_services
from tests.line.conftest import line  # noqa: F401  (the line's fixture graph)

THREADS = 8

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tablet_key(line, engineer):
    """An operator-role API identity (what a tablet integration uses), assigned to ST-0 and ST-2 at
    ASSY-1 and qualified ESD-1. ST-0 is where units start; ST-2 is where they move to scan."""
    station_services.register_station(code="ST-0", work_center="ASSY-1", actor=engineer)
    station_services.register_station(code="ST-2", work_center="ASSY-1", wip_limit=THREADS, actor=engineer)
    token, key = create_api_token(name="line-tablets", role=Role.OPERATOR, actor=None)
    station_services.assign_stations(user=token.identity, station_codes=["ST-0", "ST-2"], actor=engineer)
    qualification_services.grant_qualification(user=token.identity, qualification="ESD-1", actor=engineer)
    return token.identity, key


def started_units(*, number: str, count: int, identity, engineer) -> list[Unit]:
    work_order = work_order_services.create_work_order(
        number=number, part_number="100-200", quantity=count, actor=engineer
    )
    units = list(work_order.units.order_by("serial"))
    station = Station.objects.get(code="ST-0")
    for unit in units:
        unit_services.start_unit(unit=unit, actor=identity, station=station)
    return units


def post_together(key: str, requests: list[tuple[str, dict, str]]) -> list:
    """POST each (path, body, idempotency key) from its own thread (its own client and database
    connection), released at the same moment; the answers in request order."""
    barrier = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def target(index: int) -> None:
        path, body, idempotency_key = requests[index]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token " + key)
        try:
            barrier.wait()
            answers[index] = client.post(
                path, body, format="json", headers={"Idempotency-Key": idempotency_key}
            )
        except Exception as error:  # noqa: BLE001 - a crash is an answer this test must see
            answers[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(index,)) for index in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def describe(answer) -> str:
    if isinstance(answer, Exception):
        return "raised {!r}".format(answer)
    return "{} {}".format(answer.status_code, answer.content[:300])


def coded_refusal(answer) -> str | None:
    """The refusal's code when the answer is a 4xx with the JSON error body, else None."""
    if isinstance(answer, Exception) or not 400 <= answer.status_code < 500:
        return None
    if not answer.get("Content-Type", "").startswith("application/json"):
        return None
    errors = answer.json().get("errors") or [{}]
    return errors[0].get("code") or None


def scans_path(serial: str) -> str:
    return "/api/v1/units/{}/scans".format(serial)


@pytest.mark.invariant(4)
@pytest.mark.invariant(11)
def test_eight_units_moving_into_one_station_on_one_lot_one_201_and_seven_coded_refusals(
    line,
    tablet_key,
    engineer,
):
    # given eight units started at ST-0, all moving to ST-2 to scan the one PCB serial PCB-0001
    identity, key = tablet_key
    units = started_units(number="WO-8", count=THREADS, identity=identity, engineer=engineer)
    requests = [
        (
            scans_path(unit.serial),
            {"step": line.step1.pk, "barcode": "PCB-0001", "station": "ST-2"},
            uuid.uuid4().hex,
        )
        for unit in units
    ]

    answers = post_together(key, requests)

    created = [
        answer for answer in answers if not isinstance(answer, Exception) and answer.status_code == 201
    ]
    refusals = [coded_refusal(answer) for answer in answers if answer not in created]
    assert len(created) == 1, [describe(answer) for answer in answers]
    assert refusals == ["lot_used_up"] * (THREADS - 1), [describe(answer) for answer in answers]
    lot = MaterialLot.objects.get(code="PCB-0001")
    assert Consumption.objects.filter(lot=lot).count() == 1
    assert lot.quantity_remaining == 0
    # every unit arrived at ST-2 (the move is kept with the refused scan's log, as one answer)
    assert ScanRefusal.objects.filter(lot=lot, code="lot_used_up").count() == THREADS - 1


@pytest.mark.invariant(8)
def test_eight_identical_scans_of_one_unit_and_step_record_once_and_never_500(line, tablet_key, engineer):
    # two tablets, each tapping four times through a proxy: two idempotency keys, four sends each
    identity, key = tablet_key
    rounds = 20
    units = started_units(number="WO-R", count=rounds, identity=identity, engineer=engineer)
    for index in range(rounds):
        lot_services.receive_lot(
            part_number="200-010", lot="PCB-R{:03d}".format(index), quantity=1, actor=engineer
        )

    for index, unit in enumerate(units):
        body = {"step": line.step1.pk, "barcode": "PCB-R{:03d}".format(index), "station": "ST-0"}
        keys = ["round-{}-tablet-a".format(index), "round-{}-tablet-b".format(index)]
        answers = post_together(key, [(scans_path(unit.serial), body, keys[n % 2]) for n in range(THREADS)])

        shown = [describe(answer) for answer in answers]
        assert all(not isinstance(answer, Exception) and answer.status_code < 500 for answer in answers), (
            shown
        )
        first = [a for a in answers if a.status_code == 201 and a.get("Idempotent-Replayed") != "true"]
        replays = [a for a in answers if a.status_code == 201 and a.get("Idempotent-Replayed") == "true"]
        refused = [a for a in answers if a.status_code != 201]
        assert len(first) == 1, shown
        assert all(answer.json() == first[0].json() for answer in replays), shown
        assert {coded_refusal(answer) for answer in refused} <= {"already_complete"}, shown
        assert Consumption.objects.filter(unit=unit, step=line.step1).count() == 1, shown
        assert IdempotencyKey.objects.filter(key__in=keys).count() == 2


# --- the retry itself: a transaction PostgreSQL ended is run again, whole -------------------------


LOSE = "DO $$ BEGIN RAISE EXCEPTION 'lost a race (forced by the test)' USING ERRCODE = '{}'; END $$"


def lose_a_race(sqlstate: str) -> None:
    """The error PostgreSQL raises for a deadlock victim (40P01) or a serialization failure (40001)."""
    with connection.cursor() as cursor:
        cursor.execute(LOSE.format(sqlstate))


@pytest.fixture
def consume_loses(monkeypatch):
    """Make the lot's consumption (deep inside the scan's transaction) lose its first `n` races;
    count the tries and the on_commit callbacks that ran."""
    state = {"losses": 0, "tries": 0, "committed": 0, "sqlstate": "40001"}
    original = lot_services.consume

    def consume(**kwargs):
        state["tries"] += 1
        transaction.on_commit(lambda: state.__setitem__("committed", state["committed"] + 1))
        if state["tries"] <= state["losses"]:
            lose_a_race(state["sqlstate"])
        return original(**kwargs)

    monkeypatch.setattr(lot_services, "consume", consume)
    monkeypatch.setattr(contention, "BACKOFF_SECONDS", 0.001)
    return state


@pytest.fixture
def tablet(tablet_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + tablet_key[1])
    return client


@pytest.mark.invariant(8)
@pytest.mark.invariant(10)
@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_request_that_lost_a_race_is_run_again_whole_and_recorded_once(
    line,
    tablet_key,
    tablet,
    engineer,
    consume_loses,
    sqlstate,
):
    identity, _key = tablet_key
    unit = started_units(number="WO-1R", count=1, identity=identity, engineer=engineer)[0]
    consume_loses.update(losses=contention.ATTEMPTS - 1, sqlstate=sqlstate)

    answer = tablet.post(
        scans_path(unit.serial),
        {"step": line.step1.pk, "barcode": "PCB-0001", "station": "ST-2"},
        format="json",
        headers={"Idempotency-Key": "lost-twice"},
    )

    assert answer.status_code == 201, answer.content
    assert consume_loses["tries"] == contention.ATTEMPTS
    assert consume_loses["committed"] == 1  # the rolled-back tries' on_commit callbacks never ran
    lot = MaterialLot.objects.get(code="PCB-0001")
    assert Consumption.objects.filter(unit=unit).count() == 1
    assert OutboxEvent.objects.filter(type=events.LOT_CONSUMED, subject=events.lot_subject(lot)).count() == 1
    assert AuditEntry.objects.filter(action="lot.consumed", summary__contains=unit.serial).count() == 1
    assert AuditEntry.objects.filter(action="unit.moved", subject_id=str(unit.pk)).count() == 1
    assert IdempotencyKey.objects.filter(key="lost-twice").count() == 1
    again = tablet.post(
        scans_path(unit.serial),
        {"step": line.step1.pk, "barcode": "PCB-0001", "station": "ST-2"},
        format="json",
        headers={"Idempotency-Key": "lost-twice"},
    )
    assert (again.status_code, again.get("Idempotent-Replayed")) == (201, "true")
    assert Consumption.objects.filter(unit=unit).count() == 1


@pytest.mark.invariant(4)
def test_after_the_bound_a_request_is_refused_as_busy_and_nothing_is_recorded(
    line,
    tablet_key,
    tablet,
    engineer,
    consume_loses,
):
    identity, _key = tablet_key
    unit = started_units(number="WO-1B", count=1, identity=identity, engineer=engineer)[0]
    consume_loses.update(losses=100)
    body = {"step": line.step1.pk, "barcode": "PCB-0001", "station": "ST-2"}

    answer = tablet.post(scans_path(unit.serial), body, format="json", headers={"Idempotency-Key": "busy"})

    assert answer.status_code == 503, answer.content
    assert answer["Retry-After"] == "1"
    error = answer.json()["errors"][0]
    assert error["code"] == "busy_try_again"
    assert "try again" in error["message"]
    assert consume_loses["tries"] == contention.ATTEMPTS
    assert consume_loses["committed"] == 0
    assert not Consumption.objects.filter(unit=unit).exists()
    assert not IdempotencyKey.objects.filter(key="busy").exists()  # the same key may be sent again
    assert Unit.objects.get(pk=unit.pk).station.code == "ST-0"  # the move was rolled back with it

    # without an Idempotency-Key the scan's own transaction is the one retried; the refusal is logged
    consume_loses.update(tries=0)
    answer = tablet.post(scans_path(unit.serial), body, format="json")
    assert (answer.status_code, answer.json()["errors"][0]["code"]) == (503, "busy_try_again")
    assert consume_loses["tries"] == contention.ATTEMPTS
    assert ScanRefusal.objects.filter(unit=unit, code="busy_try_again").count() == 1

    # and once the database lets it through, the same key records it
    consume_loses.update(losses=0)
    answer = tablet.post(scans_path(unit.serial), body, format="json", headers={"Idempotency-Key": "busy"})
    assert answer.status_code == 201, answer.content
    assert Consumption.objects.filter(unit=unit).count() == 1


def test_a_real_deadlock_between_two_transactions_is_retried_and_both_commit(line, engineer):
    # two transactions lock ST-A and ST-B in opposite orders: PostgreSQL ends one; it runs again
    station_services.register_station(code="ST-A", work_center="ASSY-1", actor=engineer)
    station_services.register_station(code="ST-B", work_center="ASSY-1", actor=engineer)
    barrier = threading.Barrier(2)
    tries = {"ST-A": 0, "ST-B": 0}
    outcomes: dict = {}

    def rename(first: str, second: str) -> None:
        tries[first] += 1
        Station.objects.filter(code=first).update(name="by " + first)  # UPDATE: a row lock
        if tries[first] == 1:
            barrier.wait(timeout=10)
        Station.objects.filter(code=second).update(name="by " + first)

    def target(first: str, second: str) -> None:
        try:
            contention.run_in_transaction(rename, first, second)
            outcomes[first] = "committed"
        except Exception as error:  # noqa: BLE001
            outcomes[first] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=pair) for pair in (("ST-A", "ST-B"), ("ST-B", "ST-A"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == {"ST-A": "committed", "ST-B": "committed"}
    # the deadlock's victim ran again, whole (its second try may collide once more: still bounded)
    assert max(tries.values()) >= 2
    assert sum(tries.values()) <= 2 * contention.ATTEMPTS
    names = set(Station.objects.filter(code__in=["ST-A", "ST-B"]).values_list("name", flat=True))
    assert len(names) == 1  # both rows carry the name of the transaction that committed last


def test_inside_an_open_transaction_nothing_is_retried(line, monkeypatch):
    tries = []

    def loses():
        tries.append(1)
        lose_a_race("40P01")

    with pytest.raises(Exception) as raised, transaction.atomic():
        contention.run_in_transaction(loses)
    assert contention.is_retryable(raised.value)
    assert tries == [1]  # the outer transaction's owner retries it whole, not this savepoint
