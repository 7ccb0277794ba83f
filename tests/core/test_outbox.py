"""Invariant 10: events are written with the change they describe, and read back in order."""

import pytest
from django.db import transaction

from core import outbox
from core.choices import Role
from core.models import OutboxEvent
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
def test_the_feed_pages_in_order_with_a_cursor(transactional_db):
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


@pytest.mark.postgres
@pytest.mark.invariant(10)
def test_a_poller_never_skips_an_event_whose_transaction_commits_late(transactional_db):
    """Transaction A writes an event first but commits last; B's event must not be served before A's."""
    import threading

    from django.db import connection

    client = api_client_for(Role.INTEGRATION, "erp")
    a_written, b_committed, a_may_commit = threading.Event(), threading.Event(), threading.Event()

    def slow_a():
        try:
            with transaction.atomic():
                outbox.emit("unit.started", subject="unit:A", data={})
                a_written.set()
                a_may_commit.wait(10)
        finally:
            connection.close()

    def quick_b():
        try:
            a_written.wait(10)
            with transaction.atomic():
                outbox.emit("unit.started", subject="unit:B", data={})
            b_committed.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=slow_a), threading.Thread(target=quick_b)]
    for thread in threads:
        thread.start()
    b_committed.wait(10)
    # B is committed, but A (older, still open) could still commit an event before it: nothing is served
    while_open = client.get("/api/v1/events").json()
    a_may_commit.set()
    for thread in threads:
        thread.join()
    after_commit = client.get("/api/v1/events", {"after": while_open["next"]}).json()
    assert while_open["events"] == []
    assert [event["subject"] for event in after_commit["events"]] == ["unit:A", "unit:B"]


def test_a_transaction_wakes_the_relay_once_however_many_events_it_writes(
    db, django_capture_on_commit_callbacks
):
    from unittest import mock

    from django.core.cache import cache

    from mes.celery import app

    cache.delete(outbox.RELAY_PENDING)
    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with mock.patch("core.tasks.relay_outbox.apply_async") as delay:
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                for n in range(4):
                    outbox.emit("unit.started", subject="unit:{}".format(n), data={})
    finally:
        app.conf.task_always_eager = before
    assert (len(callbacks), delay.call_count) == (1, 1)


def test_a_queued_wake_up_is_not_queued_again_until_the_relay_starts(transactional_db):
    from unittest import mock

    from django.core.cache import cache

    from core import tasks
    from mes.celery import app

    def transaction_with_an_event(n):
        with transaction.atomic():  # committed for real: its on-commit wake-up runs
            outbox.emit("unit.started", subject="unit:{}".format(n), data={})

    cache.delete(outbox.RELAY_PENDING)
    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with mock.patch("core.tasks.relay_outbox.apply_async") as delay:
            # given a wake-up queued by one transaction, the next ones queue none
            for n in range(3):
                transaction_with_an_event(n)
            assert delay.call_count == 1
            assert delay.call_args.kwargs == {
                "countdown": outbox.RELAY_BATCH_SECONDS
            }  # one pass for the batch
            # when the relay starts, it reads all three
            assert tasks.relay_outbox.run() == 0  # no webhook: nothing to deliver
            assert OutboxEvent.objects.filter(relayed_at__isnull=True).count() == 0
            # then the next transaction queues a wake-up again
            transaction_with_an_event(3)
            assert delay.call_count == 2
    finally:
        app.conf.task_always_eager = before
        cache.delete(outbox.RELAY_PENDING)


def test_a_committed_change_is_answered_even_when_the_relay_cannot_be_woken(transactional_db, caplog):
    from unittest import mock

    from django.core.cache import cache
    from kombu.exceptions import OperationalError

    from mes.celery import app

    cache.delete(outbox.RELAY_PENDING)
    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        # given a broker that cannot be reached
        with mock.patch(
            "core.tasks.relay_outbox.apply_async", side_effect=OperationalError("Connection refused")
        ):
            # when a transaction with an event commits
            with transaction.atomic():
                outbox.emit("unit.started", subject="unit:X", data={})
    finally:
        app.conf.task_always_eager = before
    # then the change and its event are kept (the sweep relays it later), the failure is logged,
    # and the next commit tries to wake the relay again
    assert OutboxEvent.objects.filter(subject="unit:X", relayed_at__isnull=True).count() == 1
    assert "Connection refused" in caplog.text
    assert cache.get(outbox.RELAY_PENDING) is None
