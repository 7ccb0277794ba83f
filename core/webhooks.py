"""Delivering outbound events to webhooks: fan out, then POST with retries (invariant 10).

`relay_outbox()` turns each new OutboxEvent into one WebhookDelivery per interested
webhook; `deliver_due()` POSTs the deliveries that are due. Both claim rows with
SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers never send the same
delivery at once; a delivery is retried with capped exponential backoff until a 2xx.
Receivers drop duplicates by the `Threadline-Event-Id` header (at-least-once).
"""

import functools
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import acts, outbox
from core.contention import retry_transaction
from core.errors import DomainError, ErrorDetail, Malformed
from core.models import DeliveryStatus, OutboxEvent, User, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

BATCH = 200
TIMEOUT_SECONDS = 5
MAX_BACKOFF = timedelta(hours=1)
# A claimed delivery is not claimed again for this long, even if its worker dies mid-request.
LEASE = timedelta(seconds=60)


def _blocked_networks():
    return [ipaddress.ip_network(item, strict=False) for item in settings.THREADLINE_WEBHOOK_BLOCKED_NETWORKS]


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def address_forms(address: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """An address as written, and the IPv4 address it stands for where it embeds one.

    The scope id (`fe80::1%eth0`) is stripped; an IPv4-mapped (`::ffff:127.0.0.1`, also written
    `::ffff:7f00:1`), IPv4-compatible (`::127.0.0.1`), NAT64 (`64:ff9b::7f00:1`) or 6to4
    (`2002:7f00:1::`) address also gives its IPv4 address, so that it is compared with the IPv4
    networks: a socket connected to `::ffff:127.0.0.1` reaches 127.0.0.1.
    """
    ip = ipaddress.ip_address(address.split("%")[0])
    forms: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            forms.append(ip.ipv4_mapped)
        elif ip.sixtofour is not None:
            forms.append(ip.sixtofour)
        elif ip in _NAT64 or (int(ip) >> 32 == 0 and int(ip) > 1):  # NAT64, or IPv4-compatible ::a.b.c.d
            forms.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return forms


def is_refused(address: str) -> bool:
    """Whether a resolved address may not be reached: the unspecified address (0.0.0.0, ::, which
    connect to the server itself) in any form, or any form inside a blocked network."""
    blocked = _blocked_networks()
    return any(
        form.is_unspecified or any(form.version == network.version and form in network for network in blocked)
        for form in address_forms(address)
    )


def _addresses_of(host: str) -> list[str]:
    """The addresses a URL's host stands for: an address literal as written (with its scope id
    unquoted, `fe80::1%25eth0`), or what the name resolves to now (none if it does not)."""
    literal = unquote(host)
    try:
        ipaddress.ip_address(literal.split("%")[0])
    except ValueError:
        pass
    else:
        return [literal]
    try:
        # An IP socket address starts with the address as text (typeshed also allows an int,
        # for address families a host name does not resolve to).
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})
    except (socket.gaierror, UnicodeError):
        return []


def _resolve(url: str) -> tuple[list[str], str | None]:
    """The addresses a webhook URL's host resolves to, and the first of them that is not allowed
    (loopback, link-local, unspecified and cloud metadata by default, however written: a webhook
    must not reach into the server itself). No addresses when the name does not resolve now (the
    delivery fails and is retried)."""
    addresses = _addresses_of(urlsplit(url).hostname or "")
    for address in addresses:
        if is_refused(address):
            return addresses, address
    return addresses, None


def refused_address(url: str) -> str | None:
    """The address a webhook URL resolves to that is not allowed, or None."""
    return _resolve(url)[1]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A receiver answers; it does not send the relay elsewhere (a redirect could point inside)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, "redirect refused", headers, fp)


# The delivery connects to the very address that was checked, not to whatever a second DNS lookup
# answers (a name that resolved to a public address for the check could answer 127.0.0.1 the next
# moment: DNS rebinding). TLS still checks the certificate against the host name.
class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, address: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, address: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHandler(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    def __init__(self, address: str):
        urllib.request.HTTPHandler.__init__(self)
        urllib.request.HTTPSHandler.__init__(self)
        self.address = address

    def http_open(self, req):
        return self.do_open(functools.partial(_PinnedHTTPConnection, address=self.address), req)

    def https_open(self, req):
        return self.do_open(
            functools.partial(_PinnedHTTPSConnection, address=self.address), req, context=self._context
        )


def _opener_for(address: str) -> urllib.request.OpenerDirector:
    """No redirects, no proxy (a proxy would resolve the name again), connected to `address`."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects, _PinnedHandler(address))


def event_body(event: OutboxEvent) -> dict:
    """The JSON every receiver gets, the same as one entry of GET /api/v1/events."""
    return {
        "id": event.pk,
        "event_id": str(event.event_id),
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "subject": event.subject,
        "data": event.data,
    }


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s … capped at an hour."""
    return min(timedelta(seconds=10 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _event_list(events: object) -> list[str]:
    """The event types asked for, as a list of texts (400 otherwise)."""
    if not isinstance(events, list) or not all(isinstance(item, str) for item in events):
        raise Malformed(
            "invalid_events",
            _("'events' must be a list of event types written as text, such as [\"unit.completed\"]."),
            "events",
        )
    return events


def _known_events(events: list[str]) -> list[str]:
    """The event types asked for, each one a type some app emits (422 naming each unknown one)."""
    known = outbox.event_types()
    unknown = [(index, item) for index, item in enumerate(events) if item not in known]
    if unknown:
        raise DomainError.many(
            ErrorDetail(
                "unknown_event_type",
                _(
                    "There is no event type '{type}'. Use one of the types listed in the API "
                    "documentation, such as unit.completed, or an empty list for every event."
                ).format(type=item),
                "events[{}]".format(index),
            )
            for index, item in unknown
        )
    return sorted(set(events))


@retry_transaction
def create_webhook(*, url: object, events: object, actor: User) -> tuple[Webhook, str]:
    """Register a receiver; returns the webhook and its secret (shown once)."""
    if not isinstance(url, str):
        raise Malformed("invalid_url", _("'url' must be a text such as https://erp.example/hooks."), "url")
    event_list = _event_list(events)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DomainError(
            "invalid_url", _("The webhook URL must be an absolute http:// or https:// address."), "url"
        )
    wanted = _known_events(event_list)
    address = refused_address(url)
    if address is not None:
        raise DomainError(
            "webhook_address_refused",
            _(
                "The webhook URL points at {address}, an address webhooks may not reach. Use the receiver's "
                "own address."
            ).format(address=address),
            "url",
        )
    secret = secrets.token_hex(32)
    webhook = Webhook.objects.create(url=url, events=wanted, secret=secret, owner=actor)
    acts.record(
        actor=actor, action="webhook.created", subject=webhook, summary=url, data={"events": webhook.events}
    )
    return webhook, secret


def _claim(queryset):
    if connection.vendor == "postgresql":
        return queryset.select_for_update(no_key=True, skip_locked=True)
    return queryset  # SQLite: IMMEDIATE transactions already serialise writers


def relay_outbox() -> int:
    """Fan new events out into deliveries; returns how many events were relayed."""
    relayed = 0
    while True:
        with transaction.atomic():
            events = list(_claim(OutboxEvent.objects.filter(relayed_at__isnull=True).order_by("id"))[:BATCH])
            if not events:
                return relayed
            webhooks = list(Webhook.objects.filter(is_active=True))
            WebhookDelivery.objects.bulk_create(
                [
                    WebhookDelivery(webhook=hook, event=event)
                    for event in events
                    for hook in webhooks
                    if hook.wants(event.type)
                ],
                ignore_conflicts=True,
            )
            OutboxEvent.objects.filter(pk__in=[event.pk for event in events]).update(
                relayed_at=timezone.now()
            )
            relayed += len(events)


@dataclass(frozen=True)
class Attempt:
    delivered: bool
    status_code: int | None
    error: str


def _post(delivery: WebhookDelivery) -> Attempt:
    body = json.dumps(event_body(delivery.event), separators=(",", ":")).encode()
    request = urllib.request.Request(
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Threadline-Webhook/1",
            "Threadline-Event": delivery.event.type,
            "Threadline-Event-Id": str(delivery.event.event_id),
            "Threadline-Signature": sign(body, delivery.webhook.secret),
        },
    )
    addresses, refused = _resolve(delivery.webhook.url)
    if refused is not None:
        return Attempt(False, None, "address {} refused".format(refused))
    if not addresses:
        return Attempt(False, None, "{} does not resolve".format(urlsplit(delivery.webhook.url).hostname))
    try:
        with _opener_for(addresses[0]).open(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http/https checked at creation)
            return Attempt(200 <= response.status < 300, response.status, "")
    except urllib.error.HTTPError as error:
        return Attempt(False, error.code, "HTTP {}".format(error.code))
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return Attempt(False, None, str(getattr(error, "reason", error))[:500])


def _claim_next() -> WebhookDelivery | None:
    """Take the next due delivery under a lease, in a short transaction of its own."""
    with transaction.atomic():
        delivery = _claim(
            WebhookDelivery.objects.select_related("webhook", "event")
            .filter(
                status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now(), webhook__is_active=True
            )
            .order_by("next_attempt_at", "id")
        ).first()
        if delivery is not None:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() + LEASE)
        return delivery


class _DeliveryChanges(TypedDict, total=False):
    """The columns one delivery attempt writes."""

    attempts: int
    last_status_code: int | None
    last_error: str
    status: DeliveryStatus
    delivered_at: datetime
    next_attempt_at: datetime


def deliver_due(*, limit: int = BATCH) -> int:
    """POST every due delivery once; returns how many were delivered now.

    The HTTP request runs outside any transaction: no row lock or connection is held while a
    slow receiver answers, and the lease keeps other workers off the delivery meanwhile.
    """
    delivered = 0
    for _round in range(limit):
        delivery = _claim_next()
        if delivery is None:
            return delivered
        attempt = _post(delivery)
        changes: _DeliveryChanges = {
            "attempts": delivery.attempts + 1,
            "last_status_code": attempt.status_code,
            "last_error": attempt.error,
        }
        if attempt.delivered:
            changes["status"] = DeliveryStatus.DELIVERED
            changes["delivered_at"] = timezone.now()
            delivered += 1
        else:
            changes["next_attempt_at"] = timezone.now() + backoff(delivery.attempts + 1)
            logger.warning("webhook delivery %s failed (%s)", delivery.pk, attempt.error)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**changes)
    return delivered
