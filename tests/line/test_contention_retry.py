"""A write that lost a race to the database is run again whole, then refused as busy — on any database.

PostgreSQL's own deadlocks are raced for real in tests/concurrency/test_contention.py; here the
error is made by hand (a Django OperationalError caused by one with SQLSTATE 40P01), so the
retry of the tablet's screen and of the API runs on SQLite too.
"""

import pytest
from django.db import OperationalError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from core import contention
from core.choices import Role
from core.identities import create_api_token
from core.models import IdempotencyKey, OutboxEvent
from line.models import Consumption, ScanRefusal
from line.services import lots as lot_services
from line.services import qualifications as qualification_services
from line.services import stations as station_services
from tests.line.screens import sign_in, tablet_client

pytestmark = pytest.mark.django_db(transaction=True)  # the request's transaction is the outermost one

HTMX = {"HX-Request": "true"}


class DeadlockDetected(Exception):
    sqlstate = "40P01"


def lose_a_race() -> None:
    try:
        raise DeadlockDetected("deadlock detected")
    except DeadlockDetected as cause:
        raise OperationalError("deadlock detected") from cause


@pytest.fixture
def consume_loses(monkeypatch):
    """The lot's consumption loses its first `losses` races; tries and on_commit runs counted."""
    state = {"losses": 0, "tries": 0, "committed": 0}
    original = lot_services.consume

    def consume(**kwargs):
        state["tries"] += 1
        transaction.on_commit(lambda: state.__setitem__("committed", state["committed"] + 1))
        if state["tries"] <= state["losses"]:
            lose_a_race()
        return original(**kwargs)

    monkeypatch.setattr(lot_services, "consume", consume)
    monkeypatch.setattr(contention, "BACKOFF_SECONDS", 0.001)
    return state


@pytest.fixture
def tablet(line, engineer):
    client = tablet_client(line.station, engineer=engineer)
    assert sign_in(client, "B-1001").status_code == 302
    return client


@pytest.mark.invariant(8)
def test_a_screen_scan_that_lost_two_races_is_recorded_once(started, tablet, consume_loses):
    consume_loses.update(losses=2)
    data = {"idempotency_key": "scan-raced", "step": started.step1.pk, "barcode": "PCB-0001"}

    answer = tablet.post(reverse("mes:step-scan", args=[started.unit.serial]), data, headers=HTMX)

    assert answer.status_code == 200
    assert (consume_loses["tries"], consume_loses["committed"]) == (3, 1)
    assert Consumption.objects.filter(unit=started.unit).count() == 1
    assert OutboxEvent.objects.filter(type="lot.consumed").count() == 1
    assert IdempotencyKey.objects.filter(key="scan-raced").count() == 1


def test_a_screen_scan_that_keeps_losing_is_refused_as_busy_and_the_screen_reloads(
    started, tablet, consume_loses
):
    consume_loses.update(losses=100)
    data = {"idempotency_key": "scan-busy", "step": started.step1.pk, "barcode": "PCB-0001"}

    answer = tablet.post(reverse("mes:step-scan", args=[started.unit.serial]), data, headers=HTMX)

    assert answer.status_code == 503
    assert answer["HX-Refresh"] == "true"  # the screen shows what is true now; nothing was recorded
    assert answer.json()["errors"][0]["code"] == "busy_try_again"
    assert (consume_loses["tries"], consume_loses["committed"]) == (contention.ATTEMPTS, 0)
    assert not Consumption.objects.filter(unit=started.unit).exists()
    assert not IdempotencyKey.objects.filter(key="scan-busy").exists()


def test_an_api_scan_without_a_key_retries_its_own_transaction_then_is_refused_as_busy(
    started, consume_loses, engineer
):
    token, key = create_api_token(name="line-bot", role=Role.OPERATOR, actor=None)
    station_services.assign_stations(user=token.identity, station_codes=["ST-1"], actor=engineer)
    qualification_services.grant_qualification(user=token.identity, qualification="ESD-1", actor=engineer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + key)
    path = "/api/v1/units/{}/scans".format(started.unit.serial)
    body = {"step": started.step1.pk, "barcode": "PCB-0001"}

    consume_loses.update(losses=100)
    refused = client.post(path, body, format="json")
    assert (refused.status_code, refused.json()["errors"][0]["code"]) == (503, "busy_try_again")
    assert consume_loses["tries"] == contention.ATTEMPTS
    assert ScanRefusal.objects.filter(unit=started.unit, code="busy_try_again").count() == 1

    consume_loses.update(losses=consume_loses["tries"] + 1)  # loses once more, then goes through
    created = client.post(path, body, format="json")
    assert created.status_code == 201, created.content
    assert Consumption.objects.filter(unit=started.unit).count() == 1
