"""Rendering a screen or one of its partials, as the request asks."""

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    also: Sequence[str] = (),
    status: int = 200,
) -> HttpResponse:
    """The full page for normal and boosted requests; for htmx requests `template#partial`
    plus each `also` partial as an out-of-band swap. Always `Vary: HX-Request`."""
    htmx = getattr(request, "htmx", None)
    if partial and htmx and not htmx.boosted:
        parts = [render_to_string("{}#{}".format(template, partial), context, request=request)]
        for name in also:
            parts.append(
                render_to_string("{}#{}".format(template, name), {**context, "oob": True}, request=request)
            )
        response = HttpResponse("".join(parts), status=status)
    else:
        response = HttpResponse(render_to_string(template, context, request=request), status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
