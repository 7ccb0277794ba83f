"""Webhooks: registration, signed at-least-once delivery with backoff, and a real worker through Redis."""

import hashlib
import hmac
import json
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from core import outbox, webhooks
from core.choices import Role
from core.errors import DomainError
from core.models import DeliveryStatus, OutboxEvent, Webhook, WebhookDelivery
from tests.conftest import api_client_for


class Receiver:
    """A local HTTP endpoint (127.0.0.1 only) that answers with the statuses it is given, in order."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:{}/hook".format(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def loopback_allowed(settings):
    """The receivers in these tests listen on 127.0.0.1, which webhooks may not reach by default."""
    settings.THREADLINE_WEBHOOK_BLOCKED_NETWORKS = ["169.254.0.0/16"]


def _emit(type="unit.completed", subject="unit:PC-01000"):
    with transaction.atomic():
        return outbox.emit(type, subject=subject, data={"serial": "PC-01000"})


def test_an_integration_registers_a_webhook_and_sees_the_secret_once(db):
    client = api_client_for(Role.INTEGRATION, "erp")
    created = client.post(
        "/api/v1/webhooks", {"url": "https://erp.example/hooks", "events": ["unit.completed"]}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["url"], body["events"], len(body["secret"])) == (
        "https://erp.example/hooks",
        ["unit.completed"],
        64,
    )
    listed = client.get("/api/v1/webhooks").json()["webhooks"]
    assert [row["id"] for row in listed] == [body["id"]]
    assert "secret" not in listed[0]


@pytest.mark.parametrize(
    "url", ["ftp://x.example/", "not a url", ""], ids=["ftp_case", "text_case", "empty_case"]
)
def test_a_webhook_url_must_be_http(db, url):
    client = api_client_for(Role.INTEGRATION, "erp")
    response = client.post("/api/v1/webhooks", {"url": url, "events": []}, format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "invalid_url"
    assert Webhook.objects.count() == 0


def test_an_operator_cannot_register_a_webhook(operator):
    client = APIClient()
    client.force_authenticate(operator)
    assert client.post("/api/v1/webhooks", {"url": "https://x.example/"}, format="json").status_code == 403
    assert Webhook.objects.count() == 0


@pytest.mark.invariant(10)
def test_each_event_is_delivered_signed_with_its_id(admin_user, loopback_allowed):
    with Receiver() as receiver:
        hook, secret = webhooks.create_webhook(url=receiver.url, events=["unit.completed"], actor=admin_user)
        event = _emit()
        _emit(type="lot.received")  # not wanted by this hook
        assert webhooks.relay_outbox() == 2
        assert webhooks.deliver_due() == 1
    ((headers, body),) = receiver.received
    assert headers["Threadline-Event-Id"] == str(event.event_id)
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["Threadline-Signature"] == expected
    assert json.loads(body)["type"] == "unit.completed"
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


@pytest.mark.invariant(10)
def test_a_failed_delivery_is_retried_with_backoff_until_a_2xx(admin_user, loopback_allowed):
    with Receiver(statuses=[500, 503, 204]) as receiver:
        webhooks.create_webhook(url=receiver.url, events=[], actor=admin_user)
        _emit()
        webhooks.relay_outbox()
        assert webhooks.deliver_due() == 0
        delivery = WebhookDelivery.objects.get()
        assert (delivery.attempts, delivery.last_status_code, delivery.status) == (
            1,
            500,
            DeliveryStatus.PENDING,
        )
        assert delivery.next_attempt_at > timezone.now()
        assert webhooks.deliver_due() == 0  # not due yet: nothing is sent
        assert len(receiver.received) == 1
        for _attempt in range(2):
            WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
            webhooks.deliver_due()
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.status, len(receiver.received)) == (3, DeliveryStatus.DELIVERED, 3)
    # every retry carries the same event id, so the receiver can drop duplicates
    assert len({headers["Threadline-Event-Id"] for headers, _body in receiver.received}) == 1


def test_relaying_again_creates_no_second_delivery(admin_user, loopback_allowed):
    webhooks.create_webhook(url="http://127.0.0.1:9/unused", events=[], actor=admin_user)
    _emit()
    assert webhooks.relay_outbox() == 1
    assert webhooks.relay_outbox() == 0
    assert WebhookDelivery.objects.count() == 1
    assert OutboxEvent.objects.filter(relayed_at__isnull=True).count() == 0


def test_backoff_doubles_and_is_capped():
    assert [webhooks.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert webhooks.backoff(30) == timedelta(hours=1)


@pytest.mark.redis
@pytest.mark.invariant(10)
def test_a_real_worker_delivers_after_commit_through_redis(
    transactional_db, admin_user, settings, loopback_allowed
):
    from celery.contrib.testing.worker import start_worker
    from django.core.cache import cache

    from core import outbox
    from mes.celery import app as celery_app

    # A wake-up left queued by an earlier test (on a queue no worker reads) must not stand for this one.
    cache.delete(outbox.RELAY_PENDING)
    queue = "threadline-test-{}".format(uuid.uuid4().hex[:8])
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, broker_url=settings.REDIS_URL, task_default_queue=queue)
    try:
        with (
            Receiver() as receiver,
            start_worker(
                celery_app, queues=[queue], perform_ping_check=False, pool="solo", shutdown_timeout=30
            ),
        ):
            webhooks.create_webhook(url=receiver.url, events=["unit.completed"], actor=admin_user)
            event = _emit()  # commits: the relay task is sent to Redis on commit
            deadline = time.monotonic() + 30
            while not receiver.received and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        celery_app.conf.update(saved)
    assert [headers["Threadline-Event-Id"] for headers, _body in receiver.received] == [str(event.event_id)]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/api/v1/",
        "http://[::1]/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost/x",
    ],
    ids=["loopback_case", "ipv6_loopback_case", "metadata_case", "localhost_case"],
)
def test_a_webhook_may_not_point_into_the_server_itself(admin_user, url):
    with pytest.raises(DomainError) as refused:
        webhooks.create_webhook(url=url, events=[], actor=admin_user)
    assert (refused.value.code, refused.value.path) == ("webhook_address_refused", "url")
    assert Webhook.objects.count() == 0


def test_a_redirect_is_not_followed(admin_user, loopback_allowed):
    with Receiver() as target:
        with Receiver() as first:
            # the first receiver answers 307 with a Location pointing at the second one
            first.server.RequestHandlerClass.do_POST = _redirect_to(target.url, first)
            webhooks.create_webhook(url=first.url, events=[], actor=admin_user)
            _emit()
            webhooks.relay_outbox()
            assert webhooks.deliver_due() == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.PENDING, 307)
    assert target.received == []


def _redirect_to(location, receiver):
    def do_POST(handler):
        receiver.received.append(
            (dict(handler.headers), handler.rfile.read(int(handler.headers["Content-Length"])))
        )
        handler.send_response(307)
        handler.send_header("Location", location)
        handler.end_headers()

    return do_POST


def test_an_unresolvable_receiver_is_retried_later(admin_user):
    hook, _secret = webhooks.create_webhook(url="https://erp.invalid/hooks", events=[], actor=admin_user)
    _emit()
    webhooks.relay_outbox()
    assert webhooks.deliver_due() == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.next_attempt_at > timezone.now()


def test_a_delivery_connects_to_the_address_it_checked_not_a_second_lookup(
    admin_user, loopback_allowed, monkeypatch
):
    import socket

    with Receiver() as receiver:
        port = receiver.server.server_address[1]
        webhooks.create_webhook(url="http://hooks.example:{}/hook".format(port), events=[], actor=admin_user)
        _emit()
        webhooks.relay_outbox()
        # given a name that answers the receiver's address to the check, and another address to
        # any later lookup (DNS rebinding)
        real = socket.getaddrinfo
        lookups = []

        def rebinding(host, *args, **kwargs):
            if host != "hooks.example":
                return real(host, *args, **kwargs)
            lookups.append(host)
            address = "127.0.0.1" if len(lookups) == 1 else "192.0.2.1"  # TEST-NET: nothing answers
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, 0))]

        monkeypatch.setattr(socket, "getaddrinfo", rebinding)
        # when the delivery is made
        assert webhooks.deliver_due() == 1
    # then it went to the address that was checked, once, with the webhook's host name
    assert lookups == ["hooks.example"]
    assert [headers["Host"] for headers, _body in receiver.received] == ["hooks.example:{}".format(port)]
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_name_that_does_not_resolve_is_retried_later(admin_user, monkeypatch):
    import socket

    webhooks.create_webhook(url="https://nowhere.example/hook", events=[], actor=admin_user)
    _emit()
    webhooks.relay_outbox()

    def unresolvable(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unresolvable)
    assert webhooks.deliver_due() == 0
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == "nowhere.example does not resolve"


# Addresses are compared as addresses: an IPv6 form of a blocked IPv4 address, the unspecified
# address and a scoped link-local address are refused however they are written.
DISGUISED_ADDRESSES = [
    ("::ffff:127.0.0.1", "mapped_loopback_case"),
    ("::ffff:7f00:1", "mapped_hex_loopback_case"),
    ("::", "ipv6_unspecified_case"),
    ("0.0.0.0", "ipv4_unspecified_case"),
    ("::ffff:0.0.0.0", "mapped_unspecified_case"),
    ("::ffff:169.254.169.254", "mapped_metadata_case"),
    ("::127.0.0.1", "compatible_loopback_case"),
    ("64:ff9b::7f00:1", "nat64_loopback_case"),
    ("2002:7f00:1::", "sixtofour_loopback_case"),
    ("fe80::1%25eth0", "scoped_link_local_case"),
]


@pytest.mark.parametrize(
    "address", [address for address, _id in DISGUISED_ADDRESSES], ids=[id for _a, id in DISGUISED_ADDRESSES]
)
def test_a_disguised_server_address_is_refused_at_creation(admin_user, settings, address):
    # only the documented defaults: 0.0.0.0 and :: are refused even if a site removes 0.0.0.0/8
    settings.THREADLINE_WEBHOOK_BLOCKED_NETWORKS = ["127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10"]
    host = "[{}]".format(address) if ":" in address else address
    with pytest.raises(DomainError) as refused:
        webhooks.create_webhook(url="http://{}:8000/hook".format(host), events=[], actor=admin_user)
    assert (refused.value.code, refused.value.path) == ("webhook_address_refused", "url")
    assert Webhook.objects.count() == 0


def test_a_name_resolving_to_a_mapped_loopback_address_is_refused_at_creation(admin_user, monkeypatch):
    import socket

    def mapped(host, *args, **kwargs):
        return [(socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("::ffff:127.0.0.1", 0, 0, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", mapped)
    with pytest.raises(DomainError) as refused:
        webhooks.create_webhook(url="https://hooks.example/hook", events=[], actor=admin_user)
    assert refused.value.code == "webhook_address_refused"
    assert "::ffff:127.0.0.1" in refused.value.message


@pytest.mark.parametrize(
    "address",
    ["::ffff:127.0.0.1", "::ffff:7f00:1", "::", "::ffff:169.254.169.254", "::127.0.0.1"],
    ids=[
        "mapped_loopback_case",
        "mapped_hex_loopback_case",
        "unspecified_case",
        "metadata_case",
        "compatible_case",
    ],
)
def test_a_disguised_server_address_is_refused_at_delivery(admin_user, address):
    # given a webhook stored before the check knew these forms, with a listener on the server's loopback
    with Receiver() as receiver:
        port = receiver.server.server_address[1]
        Webhook.objects.create(
            url="http://[{}]:{}/hook".format(address, port), events=[], secret="s" * 64, owner=admin_user
        )
        _emit()
        webhooks.relay_outbox()
        # when it is delivered
        assert webhooks.deliver_due() == 0
    # then nothing was sent, and the delivery says why
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == (
        DeliveryStatus.PENDING,
        "address {} refused".format(address),
    )


def test_a_name_that_rebinds_to_a_mapped_loopback_address_is_refused_at_delivery(admin_user, monkeypatch):
    import socket

    with Receiver() as receiver:
        port = receiver.server.server_address[1]
        # checked at creation while the name answered a public address
        monkeypatch.setattr(
            socket,
            "getaddrinfo",
            lambda host, *args, **kwargs: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.10", 0))],
        )
        webhooks.create_webhook(url="http://hooks.example:{}/hook".format(port), events=[], actor=admin_user)
        _emit()
        webhooks.relay_outbox()
        # the name now answers the server's own loopback, written as an IPv4-mapped IPv6 address
        monkeypatch.setattr(
            socket,
            "getaddrinfo",
            lambda host, *args, **kwargs: [
                (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::ffff:127.0.0.1", 0, 0, 0))
            ],
        )
        assert webhooks.deliver_due() == 0
    assert receiver.received == []
    assert WebhookDelivery.objects.get().last_error == "address ::ffff:127.0.0.1 refused"


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "::ffff:93.184.216.34", "2001:db8::1", "64:ff9b::5db8:d822"],
    ids=["public_case", "mapped_public_case", "public_ipv6_case", "nat64_public_case"],
)
def test_a_public_address_in_any_form_is_accepted(admin_user, address):
    host = "[{}]".format(address) if ":" in address else address
    hook, _secret = webhooks.create_webhook(url="http://{}/hook".format(host), events=[], actor=admin_user)
    assert hook.pk is not None


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"url": 5, "events": ["unit.completed"]}, "url"),
        ({"url": None}, "url"),
        ({"url": ["https://erp.example/hooks"]}, "url"),
        ({"url": "https://erp.example/hooks", "events": "unit.completed"}, "events"),
        ({"url": "https://erp.example/hooks", "events": [1]}, "events"),
        ({"events": [1]}, "events"),
        ({"url": "https://erp.example/hooks", "events": None}, "events"),
        ({"url": "https://erp.example/hooks", "events": {"unit.completed": True}}, "events"),
        (["https://erp.example/hooks"], ""),
        ("https://erp.example/hooks", ""),
        (5, ""),
    ],
    ids=[
        "number_url_case",
        "null_url_case",
        "list_url_case",
        "text_events_case",
        "number_event_case",
        "number_event_without_url_case",
        "null_events_case",
        "object_events_case",
        "list_body_case",
        "text_body_case",
        "number_body_case",
    ],
)
def test_a_webhook_request_of_the_wrong_shape_is_answered_400_naming_the_field(db, body, path):
    client = api_client_for(Role.INTEGRATION, "erp")
    response = client.post("/api/v1/webhooks", body, format="json")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["path"] == path
    assert error["code"] in ("invalid_url", "invalid_events", "malformed")
    assert error["message"]
    assert Webhook.objects.count() == 0


def test_subscribing_to_an_unknown_event_type_is_refused_naming_each(db):
    client = api_client_for(Role.INTEGRATION, "erp")
    response = client.post(
        "/api/v1/webhooks",
        {"url": "https://erp.example/hooks", "events": ["unit.completed", "unit.finished", ""]},
        format="json",
    )
    assert response.status_code == 422
    assert [(error["code"], error["path"]) for error in response.json()["errors"]] == [
        ("unknown_event_type", "events[1]"),
        ("unknown_event_type", "events[2]"),
    ]
    assert "unit.finished" in response.json()["errors"][0]["message"]
    assert Webhook.objects.count() == 0


def test_every_event_type_the_apps_emit_may_be_subscribed_to():
    from core.outbox import event_types
    from line import events as line_events
    from quality import events as quality_events

    emitted = {
        value
        for module in (line_events, quality_events)
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, str)
    }
    assert event_types() == emitted | {"revision.accepted"}
    assert len(event_types()) == 24  # the types listed under "Events" in docs/api.md
