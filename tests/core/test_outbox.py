"""Invariant 10: events are written with the change they describe, and read back in order."""

import pytest
from django.db import transaction

from mes.core import outbox
from mes.core.choices import Role
from mes.core.models import OutboxEvent
from tests.conftest import api_client_for


@pytest.mark.invariant(10)
def test_an_event_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        outbox.emit("unit.started", subject="unit:X", data={})
    assert OutboxEvent.objects.count() == 0


@pytest.mark.invariant(10)
def test_an_event_rolls_back_with_its_change(db):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        outbox.emit("unit.started", subject="unit:X", data={})
        1 / 0  # noqa: B018 (the change fails after the event was written)
    assert OutboxEvent.objects.count() == 0


@pytest.mark.invariant(10)
def test_the_feed_pages_in_order_with_a_cursor(db):
    with transaction.atomic():
        ids = [outbox.emit("lot.received", subject="lot:{}".format(n), data={"n": n}).pk for n in range(3)]
    client = api_client_for(Role.INTEGRATION, "erp")
    first = client.get("/api/v1/events").json()
    assert [event["id"] for event in first["events"]] == ids
    assert first["next"] == ids[-1]
    assert set(first["events"][0]) == {"id", "event_id", "type", "occurred_at", "subject", "data"}
    again = client.get("/api/v1/events", {"after": first["next"]}).json()
    assert again == {"events": [], "next": ids[-1]}
    assert client.get("/api/v1/events", {"after": "x"}).status_code == 400


def test_an_operator_cannot_read_the_feed(operator):
    from django.test import Client

    client = Client()
    client.force_login(operator)
    assert client.get("/api/v1/events").status_code == 403
