"""Roles, their permissions, and the `@requires` decorator every view carries.

A role is a fixed set of permission strings ("app.codename"). RoleBackend answers
`user.has_perm()` from that table without a query; guardian's backend answers the
object-level questions (which stations an operator may work at).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied

from core.choices import Role

# The kernel's own permissions. Each app declares its permission strings in its own
# `permissions.py` and grants them to roles there (loaded by its AppConfig.ready()): the kernel
# holds no app's words.
VIEW_AUDIT = "core.view_auditentry"
VIEW_EVENTS = "core.view_outboxevent"
MANAGE_TOKENS = "core.manage_tokens"
MANAGE_WEBHOOKS = "core.manage_webhooks"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OPERATOR: frozenset(),
    Role.INSPECTOR: frozenset({VIEW_AUDIT}),
    Role.ENGINEER: frozenset({VIEW_AUDIT}),
    Role.INTEGRATION: frozenset({VIEW_EVENTS, MANAGE_WEBHOOKS}),
    # Every permission any role holds, plus administration; grant() keeps it so.
    Role.ADMIN: frozenset({VIEW_AUDIT, VIEW_EVENTS, MANAGE_WEBHOOKS, MANAGE_TOKENS}),
}


def grant(role: str, *permissions: str) -> None:
    """Add permissions to a role; the administrator holds every permission any role holds.
    Each app calls this from its `permissions.py` when Django starts."""
    ROLE_PERMISSIONS[role] = ROLE_PERMISSIONS[role] | frozenset(permissions)
    ROLE_PERMISSIONS[Role.ADMIN] = ROLE_PERMISSIONS[Role.ADMIN] | frozenset(permissions)


class RoleBackend(BaseBackend):
    """Answers model-level permissions from the identity's role. Authentication is ModelBackend's job."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from django.contrib.auth.backends import ModelBackend

        return ModelBackend().authenticate(request, username=username, password=password, **kwargs)

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(ROLE_PERMISSIONS.get(user_obj.role, frozenset()))

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if obj is not None:
            return False
        return perm in self.get_all_permissions(user_obj)

    def get_user(self, user_id):
        from core.models import User

        try:
            return User.objects.get(pk=user_id)
        except User.DoesNotExist:
            return None


def requires(*permissions: str) -> Callable:
    """Refuse the view (403) unless the identity holds every permission; records them for the URL walk
    test."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args: Any, **kwargs: Any):
            if not request.user.is_authenticated or not request.user.has_perms(permissions):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permissions = permissions  # type: ignore[attr-defined]
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Mark a view as open to anyone (login page, health check): the URL walk test expects the mark."""
    from django.contrib.auth.decorators import login_not_required

    view = login_not_required(view)
    view.required_permissions = ()  # type: ignore[attr-defined]
    view.is_public = True  # type: ignore[attr-defined]
    return view
