"""Request types for views whose identity is guaranteed.

`@requires(...)` (screens) and `@api_endpoint(...)` (API, `IsAuthenticated`) refuse anonymous
requests before the view runs, so behind them `request.user` is always a signed-in `User`. The
classes below only narrow the annotations for the type checker; at run time the request is the
one Django or DRF built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

from core.htmx import HtmxHttpRequest

if TYPE_CHECKING:
    from core.models import ApiToken, User


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A screen request behind `@requires`: signed in, and seen by django-htmx's middleware."""

    user: User


class TokenHttpRequest(HttpRequest):
    """A request TokenAuthenticationMiddleware resolved from `Authorization: Token <key>`."""

    api_token: ApiToken


class AuthenticatedRequest(Request):
    """A DRF request behind `@api_endpoint`, whose `IsAuthenticated` refuses anonymous callers."""

    user: User
