"""Admin for the line: configuration is editable (with simple-history); history tables are read-only."""

from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from line.models import (
    Consumption,
    HelpCall,
    Hold,
    LotEvent,
    MaterialLot,
    QualificationGrant,
    ScanRefusal,
    Station,
    StepResult,
    StepSignOff,
    Tool,
    ToolScan,
    Unit,
    UnitEvent,
    WorkOrder,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History and state owned by services: visible, never edited here (invariant 6)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Station)
class StationAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    list_display = ["code", "work_center", "name", "wip_limit", "is_active"]
    search_fields = ["code", "work_center", "name"]


@admin.register(Tool)
class ToolAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "calibration_due", "is_active"]
    search_fields = ["code", "name"]


@admin.register(QualificationGrant)
class QualificationGrantAdmin(SimpleHistoryAdmin):
    list_display = ["user", "qualification", "expires_on", "granted_at"]
    search_fields = ["user__username", "qualification"]


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "product", "revision", "quantity", "status", "created_at"]
    search_fields = ["number"]


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["serial", "work_order", "revision", "status", "station", "started_at", "completed_at"]
    list_filter = ["status"]
    search_fields = ["serial"]


@admin.register(MaterialLot)
class MaterialLotAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "part",
        "part_revision",
        "status",
        "quantity_received",
        "quantity_remaining",
        "expires_on",
    ]
    list_filter = ["status"]
    search_fields = ["code", "part__part_number"]


for model in (
    UnitEvent,
    LotEvent,
    Consumption,
    ScanRefusal,
    StepResult,
    ToolScan,
    StepSignOff,
    Hold,
    HelpCall,
):
    admin.site.register(model, ReadOnlyAdmin)
