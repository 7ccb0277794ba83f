"""Every API error has the body {"errors": [{"code", "message", "path"}]}."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from core.errors import DomainError


def _flatten(detail, path: str = "") -> list[dict[str, str]]:
    if isinstance(detail, dict):
        items: list[dict[str, str]] = []
        for key, value in detail.items():
            child = "{}/{}".format(path, key) if key != "non_field_errors" else path
            items.extend(_flatten(value, child))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            child = "{}/{}".format(path, index) if isinstance(value, (dict, list)) else path
            items.extend(_flatten(value, child))
        return items
    code = getattr(detail, "code", "invalid") or "invalid"
    return [{"code": str(code), "message": str(detail), "path": path}]


def error_response(error: DomainError) -> Response:
    return Response(error.as_body(), status=error.status)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return error_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    view = context.get("view")
    if isinstance(exc, exceptions.MethodNotAllowed) and view is not None:
        headers["Allow"] = ", ".join(view.allowed_methods)
    if isinstance(exc, exceptions.ValidationError):
        return Response({"errors": _flatten(exc.detail)}, status=400, headers=headers)
    codes = {
        exceptions.NotAuthenticated: (
            "not_authenticated",
            _("Sign in, or send an API token as 'Authorization: Token <key>'."),
        ),
        exceptions.AuthenticationFailed: (
            "authentication_failed",
            _("The API token is not valid or was revoked."),
        ),
        exceptions.PermissionDenied: (
            "permission_denied",
            str(exc.detail)
            if str(exc.detail) != str(exceptions.PermissionDenied.default_detail)
            else _("This identity's role does not allow this action."),
        ),
        exceptions.NotFound: (
            "not_found",
            _("Nothing here: the item does not exist or is not visible to you."),
        ),
        exceptions.MethodNotAllowed: ("method_not_allowed", str(exc.detail)),
        exceptions.UnsupportedMediaType: ("unsupported_media_type", str(exc.detail)),
        exceptions.ParseError: ("malformed", str(exc.detail)),
    }
    code, message = next(
        (value for kind, value in codes.items() if isinstance(exc, kind)),
        (getattr(exc, "default_code", "error"), str(exc.detail)),
    )
    return Response(
        {"errors": [{"code": code, "message": message, "path": ""}]}, status=exc.status_code, headers=headers
    )
