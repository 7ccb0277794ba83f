"""Input parsing (DRF serializers: 400 on malformed input) and output shapes (API.md "Minimum shapes")."""

from decimal import Decimal

from rest_framework import serializers

from line.models import Consumption, MaterialLot, Station, StepResult, Tool, ToolScan, Unit, WorkOrder
from line.selectors import StepProgress, UnitState, WhereUsed


def number(value: Decimal | None) -> str | None:
    """Decimals travel as strings: no float rounding on the way."""
    return None if value is None else format(value.normalize(), "f")


# --- input ---------------------------------------------------------------------------------


class StationIn(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    work_center = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    wip_limit = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class ToolIn(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    kind = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    calibration_due = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Left out: an existing tool keeps its date; null clears it.",
    )


class QualificationIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    qualification = serializers.CharField(max_length=64)
    expires_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Left out: a renewal keeps the current expiry; null: no end.",
    )


class WorkOrderIn(serializers.Serializer):
    number = serializers.CharField(max_length=64)
    part_number = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)
    revision = serializers.CharField(
        max_length=16, required=False, allow_blank=True, allow_null=True, default=None
    )
    serials = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, allow_null=True, default=None
    )


class LotIn(serializers.Serializer):
    part_number = serializers.CharField(max_length=64)
    lot = serializers.CharField(max_length=64)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=4)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)
    supplier = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    revision = serializers.CharField(
        max_length=16, required=False, allow_blank=True, allow_null=True, default=None
    )


class LotDecisionIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    contain = serializers.BooleanField(required=False, default=False)


class StartIn(serializers.Serializer):
    station = serializers.CharField(max_length=64)


class StepWorkIn(serializers.Serializer):
    step = serializers.IntegerField(min_value=1)
    station = serializers.CharField(
        max_length=64, required=False, allow_blank=True, allow_null=True, default=None
    )


class ScanIn(StepWorkIn):
    barcode = serializers.CharField(max_length=300, trim_whitespace=False)
    quantity = serializers.DecimalField(
        max_digits=14, decimal_places=4, required=False, allow_null=True, default=None
    )


class ResultIn(StepWorkIn):
    characteristic = serializers.CharField(max_length=32)
    value = serializers.DecimalField(
        max_digits=20, decimal_places=8, required=False, allow_null=True, default=None
    )
    passed = serializers.BooleanField(required=False, allow_null=True, default=None)
    gauge = serializers.CharField(
        max_length=64, required=False, allow_blank=True, allow_null=True, default=None
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ToolScanIn(StepWorkIn):
    barcode = serializers.CharField(max_length=300)


class CountersignatureIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=200, trim_whitespace=False)


class SignOffIn(StepWorkIn):
    countersignature = CountersignatureIn(required=False, allow_null=True, default=None)


# --- output --------------------------------------------------------------------------------


def station_body(station: Station) -> dict:
    return {
        "id": station.pk,
        "code": station.code,
        "work_center": station.work_center,
        "name": station.name,
        "wip_limit": station.wip_limit,
        "is_active": station.is_active,
    }


def tool_body(tool: Tool) -> dict:
    return {
        "id": tool.pk,
        "code": tool.code,
        "name": tool.name,
        "kind": tool.kind,
        "calibration_due": tool.calibration_due.isoformat() if tool.calibration_due else None,
    }


def work_order_body(work_order: WorkOrder, units: list[Unit]) -> dict:
    revision = work_order.revision
    return {
        "id": work_order.pk,
        "number": work_order.number,
        "part_number": work_order.product.part_number,
        "quantity": work_order.quantity,
        "status": work_order.status,
        "revision": {
            "id": revision.pk,
            "part_number": work_order.product.part_number,
            "revision": revision.revision,
        },
        "units": [{"serial": unit.serial, "status": unit.status} for unit in units],
    }


def lot_body(lot: MaterialLot) -> dict:
    return {
        "id": lot.pk,
        "lot": lot.code,
        "part_number": lot.part.part_number,
        "revision": lot.part_revision,
        "status": lot.status,
        "quantity_received": number(lot.quantity_received),
        "quantity_remaining": number(lot.quantity_remaining),
        "expires_on": lot.expires_on.isoformat() if lot.expires_on else None,
        "supplier": lot.supplier,
        "received_at": lot.received_at.isoformat(),
    }


def progress_body(progress: StepProgress, *, step_count: int) -> dict:
    step = progress.step
    return {
        "id": step.pk,
        "title": step.title,
        "position": step.position,
        "of": step_count,
        "attempt": progress.attempt,
        "work_center": step.operation.work_center,
        "instruction": step.instruction,
        "missing": [
            {
                "kind": need.kind,
                "code": need.code,
                "message": need.message,
                "path": need.path,
                "label": need.label,
            }
            for need in progress.missing
        ],
        "materials": [
            {
                "part_number": item.requirement.part_number,
                "name": item.name,
                "quantity": number(item.requirement.quantity),
                "consumed": number(item.consumed),
                "uom": item.uom,
                "tracking": item.tracking,
                "allowed_revisions": item.allowed_revisions,
                "alternates": item.alternates,
                "done": item.is_done,
            }
            for item in progress.materials
        ],
        "characteristics": [
            {
                "code": item.characteristic.code,
                "name": item.characteristic.name,
                "kind": item.characteristic.kind,
                "nominal": number(item.characteristic.nominal),
                "lower": number(item.characteristic.lower),
                "upper": number(item.characteristic.upper),
                "unit": item.characteristic.unit,
                "gauge": item.characteristic.gauge,
                "recorded": item.is_recorded,
                "valid": item.is_valid,
                "value": number(item.latest.value) if item.latest else None,
                "passed": item.latest.passed if item.latest else None,
                "in_tolerance": item.latest.in_tolerance if item.latest else None,
                "ncr": item.ncr_id,
            }
            for item in progress.characteristics
        ],
        "tools": [{"code": item.code, "scanned": item.scanned} for item in progress.tools],
        "qualification": progress.qualification or None,
        "countersignature_required": progress.needs_countersignature,
    }


def unit_body(state: UnitState) -> dict:
    unit = state.unit
    revision = unit.revision
    return {
        "serial": unit.serial,
        "status": unit.status,
        "work_order": unit.work_order.number,
        "revision": {
            "id": revision.pk,
            "part_number": revision.product.part_number,
            "revision": revision.revision,
        },
        "revision_bound_at": unit.revision_bound_at.isoformat() if unit.revision_bound_at else None,
        "station": unit.station.code if unit.station is not None else None,
        "started_at": unit.started_at.isoformat() if unit.started_at else None,
        "completed_at": unit.completed_at.isoformat() if unit.completed_at else None,
        "current_step": progress_body(state.current, step_count=state.step_count) if state.current else None,
        "holds": [
            {"id": hold.id, "kind": hold.kind, "reason": hold.reason, "ncr": hold.ncr, "lot": hold.lot}
            for hold in state.holds
        ],
    }


def consumption_body(consumption: Consumption, lot: MaterialLot) -> dict:
    return {
        "id": consumption.pk,
        "lot": lot.code,
        "part_number": consumption.part_number,
        "revision": consumption.part_revision,
        "quantity": number(consumption.quantity),
        "step": consumption.step_id,
        "unit": consumption.unit.serial,
        "lot_remaining": number(lot.quantity_remaining),
        "scanned_at": consumption.occurred_at.isoformat(),
    }


def result_body(result: StepResult, *, ncr, hold) -> dict:
    return {
        "id": result.pk,
        "in_tolerance": result.in_tolerance,
        "ncr": ncr.pk if ncr is not None else None,
        "ncr_number": ncr.number if ncr is not None else None,
        "hold": hold.pk if hold is not None else None,
        "characteristic": result.characteristic.code,
        "value": number(result.value),
        "passed": result.passed,
        "gauge": result.gauge.code if result.gauge is not None else None,
        "replaces": result.replaces_id,
        "step": result.step_id,
        "recorded_at": result.occurred_at.isoformat(),
    }


def tool_scan_body(scan: ToolScan) -> dict:
    return {
        "id": scan.pk,
        "tool": scan.tool.code,
        "step": scan.step_id,
        "scanned_at": scan.occurred_at.isoformat(),
    }


def where_used_body(used: WhereUsed) -> dict:
    return {
        "lot": used.lot.code,
        "part_number": used.lot.part.part_number,
        "units": [
            {
                "serial": row.serial,
                "status": row.unit_status,
                "step": row.step_id,
                "step_title": row.step_title,
                "quantity": number(row.quantity),
            }
            for row in used.rows
        ],
    }


def ncr_body(ncr) -> dict:
    return {
        "id": ncr.pk,
        "number": ncr.number,
        "status": ncr.status,
        "source": ncr.source,
        "unit": ncr.unit.serial if ncr.unit_id else None,
        "step": ncr.step_id,
        "revision": {
            "id": ncr.revision_id,
            "part_number": ncr.revision.product.part_number,
            "revision": ncr.revision.revision,
        }
        if ncr.revision_id
        else None,
        "characteristic": ncr.characteristic.code if ncr.characteristic_id else None,
        "value": number(ncr.value),
        "lot": ncr.lot.code if ncr.lot_id else None,
        "decision": ncr.decision or None,
        "description": ncr.description,
        "hold": ncr.hold_id,
        "evidence": ncr.evidence,
        "raised_at": ncr.raised_at.isoformat(),
        "raised_by": ncr.raised_by.username if ncr.raised_by_id else None,
    }
