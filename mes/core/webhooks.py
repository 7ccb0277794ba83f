"""Delivering outbound events to webhooks: fan out, then POST with retries (invariant 10).

`relay_outbox()` turns each new OutboxEvent into one WebhookDelivery per interested
webhook; `deliver_due()` POSTs the deliveries that are due. Both claim rows with
SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers never send the same
delivery at once; a delivery is retried with capped exponential backoff until a 2xx.
Receivers drop duplicates by the `Threadline-Event-Id` header (at-least-once).
"""

import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mes.core import audit
from mes.core.errors import DomainError
from mes.core.models import DeliveryStatus, OutboxEvent, User, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

BATCH = 200
TIMEOUT_SECONDS = 5
MAX_BACKOFF = timedelta(hours=1)


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


@transaction.atomic
def create_webhook(*, url: str, events: list[str], actor: User) -> tuple[Webhook, str]:
    """Register a receiver; returns the webhook and its secret (shown once)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DomainError("invalid_url", _("The webhook URL must be an absolute http:// or https:// address."), "url")
    if not isinstance(events, list) or not all(isinstance(item, str) and item for item in events):
        raise DomainError("invalid_events", _("'events' must be a list of event types such as unit.completed."), "events")
    secret = secrets.token_hex(32)
    webhook = Webhook.objects.create(url=url, events=sorted(set(events)), secret=secret, owner=actor)
    audit.record(actor=actor, action="webhook.created", subject=webhook, summary=url, data={"events": webhook.events})
    return webhook, secret


def _claim(queryset):
    if connection.vendor == "postgresql":
        return queryset.select_for_update(skip_locked=True)
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
                [WebhookDelivery(webhook=hook, event=event) for event in events for hook in webhooks if hook.wants(event.type)],
                ignore_conflicts=True,
            )
            OutboxEvent.objects.filter(pk__in=[event.pk for event in events]).update(relayed_at=timezone.now())
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
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http/https checked at creation)
            return Attempt(200 <= response.status < 300, response.status, "")
    except urllib.error.HTTPError as error:
        return Attempt(False, error.code, "HTTP {}".format(error.code))
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return Attempt(False, None, str(getattr(error, "reason", error))[:500])


def deliver_due(*, limit: int = BATCH) -> int:
    """POST every due delivery once; returns how many were delivered now."""
    delivered = 0
    for _round in range(limit):
        with transaction.atomic():
            delivery = (
                _claim(
                    WebhookDelivery.objects.select_related("webhook", "event")
                    .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now(), webhook__is_active=True)
                    .order_by("next_attempt_at", "id")
                )
                .first()
            )
            if delivery is None:
                return delivered
            # The row stays locked while the request is in flight: another worker skips it.
            attempt = _post(delivery)
            delivery.attempts += 1
            delivery.last_status_code = attempt.status_code
            delivery.last_error = attempt.error
            if attempt.delivered:
                delivery.status = DeliveryStatus.DELIVERED
                delivery.delivered_at = timezone.now()
                delivered += 1
            else:
                delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
                logger.warning("webhook delivery %s failed (%s); retry at %s", delivery.pk, attempt.error, delivery.next_attempt_at)
            delivery.save(update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at", "next_attempt_at"])
    return delivered
