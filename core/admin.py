"""The admin site shows; it never changes anything.

Every change goes through a service that checks its rules and writes the audit trail (who, when,
why): the screens, the API and the management commands call those services, the admin site does
not. So every admin page of every app is read-only (view permission only); what to use instead
is said on the admin index (`ADMIN_NOTICE`) and in docs/architecture.md ("No side doors").
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from core.models import ApiToken, AuditEntry, OutboxEvent, User

ADMIN_NOTICE = _(
    "This site only shows records. Change things through the screens, the API or the management "
    "commands (create_user, change_role, create_api_token, import_release), which record who did what "
    "and why."
)
admin.site.index_title = ADMIN_NOTICE
# Permissions come from roles (core.permissions), never from groups: nothing to edit there.
admin.site.unregister(Group)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Visible, never added, changed or deleted here: the owning service does that, audited."""

    actions = None  # not even the bulk delete action

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class IdentityAdmin(ReadOnlyAdmin, UserAdmin):
    """Roles change with `manage.py change_role` (core.identities.change_role: who and why audited)."""

    list_display = ("username", "first_name", "last_name", "role", "kind", "is_active")
    list_filter = ("role", "kind", "is_active")
    fieldsets = (
        (None, {"fields": ("username",)}),
        ("Threadline", {"fields": ("role", "kind", "badge_code", "preferred_language")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Keys are created with `manage.py create_api_token` (shown once) and revoked by their service."""

    list_display = ("name", "prefix", "identity", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Append-only history (invariant 6)."""

    list_display = (
        "occurred_at",
        "actor_label",
        "station",
        "action",
        "subject_type",
        "subject_id",
        "summary",
    )
    list_filter = ("action", "subject_type")


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "type", "subject", "occurred_at")
    list_filter = ("type",)
