"""API endpoints of the shared kernel: the outbound event feed and who-am-i."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.fields import Field
from rest_framework.request import Request
from rest_framework.response import Response

from core import outbox, selectors
from core.api.endpoints import api_endpoint
from core.errors import Malformed
from core.models import Webhook
from core.permissions import MANAGE_WEBHOOKS, VIEW_EVENTS
from core.types import AuthenticatedRequest
from core.webhooks import create_webhook, event_body

FEED_PAGE = 500


EVENT_SHAPE = inline_serializer(
    "Event",
    {
        "id": serializers.IntegerField(),
        "event_id": serializers.UUIDField(help_text="Stable id: receivers drop duplicates by it."),
        "type": serializers.CharField(),
        "occurred_at": serializers.DateTimeField(),
        "subject": serializers.CharField(),
        "data": serializers.JSONField(),
    },
)


@extend_schema(
    summary="The outbound event feed, in order",
    operation_id="events_list",
    parameters=[OpenApiParameter("after", int, description="Return events after this id (default 0).")],
    responses=inline_serializer(
        "EventFeed", {"events": EVENT_SHAPE.__class__(many=True), "next": serializers.IntegerField()}
    ),
)
@api_endpoint(GET=VIEW_EVENTS)
def events(request: Request) -> Response:
    """The outbound event feed, in order: `?after=ID` returns the events after that id."""
    raw_after = request.query_params.get("after", "0")
    try:
        after = int(raw_after)
    except ValueError:
        raise Malformed(
            "invalid_after", _("'after' must be an event id (a whole number)."), "after"
        ) from None
    rows = outbox.feed(after=after, limit=FEED_PAGE)
    return Response({"events": [event_body(row) for row in rows], "next": rows[-1].pk if rows else after})


@extend_schema(
    summary="The identity behind the request",
    operation_id="whoami",
    responses=inline_serializer(
        "WhoAmI",
        {
            "username": serializers.CharField(),
            "role": serializers.CharField(),
            "kind": serializers.CharField(),
            "permissions": serializers.ListField(child=serializers.CharField()),
        },
    ),
)
@api_endpoint(GET=())
def whoami(request: AuthenticatedRequest) -> Response:
    """The identity behind the request, its role and what it may do."""
    user = request.user
    return Response(
        {
            "username": user.username,
            "role": user.role,
            "kind": user.kind,
            "permissions": sorted(user.get_all_permissions()),
        }
    )


WEBHOOK_SHAPE: dict[str, Field] = {
    "id": serializers.IntegerField(),
    "url": serializers.URLField(),
    "events": serializers.ListField(child=serializers.CharField()),
    "is_active": serializers.BooleanField(),
    "created_at": serializers.DateTimeField(),
}


def _webhook_body(webhook: Webhook) -> dict:
    return {
        "id": webhook.pk,
        "url": webhook.url,
        "events": webhook.events,
        "is_active": webhook.is_active,
        "created_at": webhook.created_at.isoformat(),
    }


@extend_schema(
    methods=["GET"],
    summary="This identity's webhooks",
    operation_id="webhooks_list",
    responses=inline_serializer(
        "WebhookList", {"webhooks": inline_serializer("WebhookRow", WEBHOOK_SHAPE, many=True)}
    ),
)
@extend_schema(
    methods=["POST"],
    summary="Register a webhook",
    operation_id="webhooks_create",
    request=inline_serializer(
        "WebhookRequest",
        {
            "url": serializers.URLField(),
            "events": serializers.ListField(child=serializers.CharField(), required=False),
        },
    ),
    responses=inline_serializer(
        "Webhook", {**WEBHOOK_SHAPE, "secret": serializers.CharField(help_text="Shown once, at creation.")}
    ),
)
@api_endpoint(GET=MANAGE_WEBHOOKS, POST=MANAGE_WEBHOOKS)
def webhooks(request: AuthenticatedRequest) -> Response:
    """Each delivery is a POST of the event with `Threadline-Event-Id` and
    `Threadline-Signature: sha256=<HMAC-SHA256 of the body with the secret>`, retried until a 2xx."""
    if request.method == "GET":
        rows = selectors.webhooks_of(request.user)
        return Response({"webhooks": [_webhook_body(row) for row in rows]})
    body = request.data
    if not isinstance(body, dict):
        raise Malformed(
            "malformed",
            _(
                'The request body must be a JSON object such as {"url": "https://erp.example/hooks", '
                '"events": []}.'
            ),
        )
    webhook, secret = create_webhook(
        url=body.get("url", ""), events=body.get("events", []), actor=request.user
    )
    return Response({**_webhook_body(webhook), "secret": secret}, status=201)
