"""Admin for the line: read-only, like every admin page (see core/admin.py).

Stations, tools and qualifications change through their services (register_station,
assign_stations, register_tool, grant_qualification: audited, with simple-history kept), called
by seed_demo, create_user and the screens; their simple-history is shown here, never reverted.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin
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


@admin.register(Station)
class StationAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["code", "work_center", "name", "wip_limit", "is_active"]
    search_fields = ["code", "work_center", "name"]


@admin.register(Tool)
class ToolAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "calibration_due", "is_active"]
    search_fields = ["code", "name"]


@admin.register(QualificationGrant)
class QualificationGrantAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
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
