from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from core.models import ApiToken, AuditEntry, OutboxEvent, User


@admin.register(User)
class IdentityAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "kind", "is_active")
    list_filter = ("role", "kind", "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Threadline", {"fields": ("role", "kind", "badge_code", "preferred_language")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "identity", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("identity", "name", "prefix", "key_hash", "created_at", "created_by", "last_used_at")

    def has_add_permission(self, request) -> bool:
        return False  # keys are created with create_api_token, which shows the key once


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only history: visible, never edited or deleted (invariant 6)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
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
