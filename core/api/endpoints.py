"""`@api_endpoint`: a DRF function view with an explicit permission per HTTP method."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import BasePermission, IsAuthenticated


def _method_permission(permissions: dict[str, tuple[str, ...]]) -> type[BasePermission]:
    class HasRolePermission(BasePermission):
        message = None

        def has_permission(self, request, view) -> bool:
            needed = permissions.get(
                request.method, permissions.get("GET", ()) if request.method in ("HEAD", "OPTIONS") else None
            )
            if needed is None:
                # A method this address does not offer is a 405 (with what it offers), not a refusal
                # of the role: the caller's mistake is the method, whatever their role.
                raise method_not_allowed(request.method, list(permissions))
            if request.user.has_perms(needed):
                return True
            self.message = _permission_message(request.user, needed)
            return False

    return HasRolePermission


def api_endpoint(**permissions: str | tuple[str, ...]) -> Callable:
    """`@api_endpoint(GET="instructions.view_revision", POST="instructions.import_release")`.

    Unauthenticated requests answer 401 JSON (not the login redirect the screens use).
    """
    table = {
        method: (perm,) if isinstance(perm, str) else tuple(perm) for method, perm in permissions.items()
    }

    def decorator(function: Callable) -> Callable:
        view = permission_classes([IsAuthenticated, _method_permission(table)])(function)
        view = api_view(list(table))(view)
        view = login_not_required(view)
        view.required_permissions = table  # type: ignore[attr-defined]
        return view

    return decorator


def method_not_allowed(method: str, offered: list[str]) -> MethodNotAllowed:
    from django.utils.translation import gettext as _

    return MethodNotAllowed(
        method,
        detail=_("{method} is not offered at this address; use {offered}.").format(
            method=method, offered=", ".join(offered)
        ),
    )


def _permission_message(user, needed: tuple[str, ...]) -> str:
    """Which roles may do this, so the caller knows whom to ask (or which identity to use)."""
    from django.utils.translation import gettext as _

    from core.choices import Role
    from core.permissions import ROLE_PERMISSIONS

    roles = [str(Role(role).label) for role, held in ROLE_PERMISSIONS.items() if set(needed) <= held]
    return _("The role {role} may not do this; it needs {needed}, held by: {roles}.").format(
        role=str(Role(user.role).label), needed=", ".join(needed), roles=", ".join(roles)
    )
