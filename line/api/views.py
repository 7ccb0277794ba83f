"""The line's API: thin shells — parse → access → service → selector → shape. Same services as the screens."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.endpoints import api_endpoint
from core.types import AuthenticatedRequest
from line import selectors
from line.access import get_lot, get_station, get_unit_for_user
from line.api import serializers as shapes
from line.permissions import (
    EXECUTE_STEP,
    GRANT_QUALIFICATION,
    MANAGE_STATIONS,
    MANAGE_WORK_ORDERS,
    QUARANTINE_LOT,
    RECEIVE_LOT,
    START_UNIT,
    VIEW_LOT,
    VIEW_UNIT,
)
from line.services import lots as lot_services
from line.services import qualifications as qualification_services
from line.services import results as result_services
from line.services import scans as scan_services
from line.services import stations as station_services
from line.services import tools as tool_services
from line.services import units as unit_services
from line.services import work_orders as work_order_services

ANSWERS = {
    200: OpenApiTypes.OBJECT,
    201: OpenApiTypes.OBJECT,
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
    422: OpenApiTypes.OBJECT,
}


def _parse(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _station_or_none(code: str | None):
    return get_station(code) if code else None


@extend_schema(
    request=shapes.StationIn, responses=ANSWERS, summary="Register a line station at a work center"
)
@api_endpoint(POST=MANAGE_STATIONS)
def stations(request: AuthenticatedRequest) -> Response:
    data = _parse(shapes.StationIn, request)
    station = station_services.register_station(
        code=data["code"],
        work_center=data["work_center"],
        name=data["name"],
        wip_limit=data["wip_limit"],
        actor=request.user,
    )
    return Response(shapes.station_body(station), status=201)


@extend_schema(request=shapes.ToolIn, responses=ANSWERS, summary="Register (or update) a tool or gauge")
@api_endpoint(POST=MANAGE_STATIONS)
def tools(request: AuthenticatedRequest) -> Response:
    data = _parse(shapes.ToolIn, request)
    tool, created = tool_services.register_tool(
        code=data["code"],
        name=data["name"],
        kind=data["kind"],
        calibration_due=data.get("calibration_due", tool_services.UNCHANGED),
        actor=request.user,
    )
    return Response(shapes.tool_body(tool), status=201 if created else 200)


@extend_schema(
    request=shapes.QualificationIn, responses=ANSWERS, summary="Grant a person or identity a qualification"
)
@api_endpoint(POST=GRANT_QUALIFICATION)
def qualifications(request: AuthenticatedRequest) -> Response:
    data = _parse(shapes.QualificationIn, request)
    user = qualification_services.user_by_name(data["username"])
    grant, created = qualification_services.grant_qualification(
        user=user,
        qualification=data["qualification"],
        expires_on=data.get("expires_on", qualification_services.KEEP),
        actor=request.user,
    )
    return Response(
        {
            "id": grant.pk,
            "username": user.username,
            "qualification": grant.qualification,
            "expires_on": grant.expires_on.isoformat() if grant.expires_on else None,
        },
        status=201 if created else 200,
    )


@extend_schema(
    request=shapes.WorkOrderIn, responses=ANSWERS, summary="Create a work order and its planned units"
)
@api_endpoint(POST=MANAGE_WORK_ORDERS)
def work_orders(request: AuthenticatedRequest) -> Response:
    data = _parse(shapes.WorkOrderIn, request)
    work_order = work_order_services.create_work_order(
        number=data["number"],
        part_number=data["part_number"],
        quantity=data["quantity"],
        revision=data["revision"] or None,
        serials=data["serials"],
        actor=request.user,
    )
    units = list(work_order.units.order_by("serial"))
    return Response(shapes.work_order_body(work_order, units), status=201)


@extend_schema(request=shapes.LotIn, responses=ANSWERS, summary="Receive a material lot")
@api_endpoint(POST=RECEIVE_LOT)
def lots(request: AuthenticatedRequest) -> Response:
    data = _parse(shapes.LotIn, request)
    lot = lot_services.receive_lot(
        part_number=data["part_number"],
        lot=data["lot"],
        quantity=data["quantity"],
        expires_on=data["expires_on"],
        supplier=data["supplier"],
        revision=data["revision"] or None,
        actor=request.user,
    )
    return Response(shapes.lot_body(lot), status=201)


@extend_schema(responses=ANSWERS, summary="One lot: part, revision, status, quantities")
@api_endpoint(GET=VIEW_LOT)
def lot_detail(request: AuthenticatedRequest, lot: str) -> Response:
    return Response(shapes.lot_body(get_lot(lot)))


@extend_schema(
    request=shapes.LotDecisionIn,
    responses=ANSWERS,
    summary="Quarantine a lot (contain: hold every unfinished unit that consumed it)",
)
@api_endpoint(POST=QUARANTINE_LOT)
def lot_quarantine(request: AuthenticatedRequest, lot: str) -> Response:
    data = _parse(shapes.LotDecisionIn, request)
    outcome = lot_services.quarantine_lot(
        lot=get_lot(lot), reason=data["reason"], contain=data["contain"], actor=request.user
    )
    body = shapes.lot_body(outcome.lot)
    body["held_units"] = [unit.serial for unit in outcome.held_units]
    return Response(body)


@extend_schema(
    request=shapes.LotDecisionIn,
    responses=ANSWERS,
    summary="Release a quarantined lot and its containment holds",
)
@api_endpoint(POST=QUARANTINE_LOT)
def lot_release(request: AuthenticatedRequest, lot: str) -> Response:
    data = _parse(shapes.LotDecisionIn, request)
    outcome = lot_services.release_lot(lot=get_lot(lot), reason=data["reason"], actor=request.user)
    body = shapes.lot_body(outcome.lot)
    body["released_holds"] = [hold.pk for hold in outcome.released_holds]
    return Response(body)


@extend_schema(responses=ANSWERS, summary="Every unit that consumed the lot, with step and quantity")
@api_endpoint(GET=VIEW_LOT)
def lot_where_used(request: AuthenticatedRequest, lot: str) -> Response:
    return Response(shapes.where_used_body(selectors.where_used(get_lot(lot))))


@extend_schema(request=shapes.StartIn, responses=ANSWERS, summary="Start a planned unit at a station")
@api_endpoint(POST=START_UNIT)
def unit_start(request: AuthenticatedRequest, serial: str) -> Response:
    data = _parse(shapes.StartIn, request)
    unit = get_unit_for_user(request.user, serial)
    unit_services.start_unit(unit=unit, station=get_station(data["station"]), actor=request.user)
    return Response(shapes.unit_body(selectors.unit_state(unit, user=request.user)))


@extend_schema(
    responses=ANSWERS,
    summary="A unit: state, bound revision, current step with what it still needs, open holds",
)
@api_endpoint(GET=VIEW_UNIT)
def unit_detail(request: AuthenticatedRequest, serial: str) -> Response:
    unit = get_unit_for_user(request.user, serial)
    return Response(shapes.unit_body(selectors.unit_state(unit, user=request.user)))


@extend_schema(
    request=shapes.ScanIn, responses=ANSWERS, summary="Scan a material lot into the unit's current step"
)
@api_endpoint(POST=EXECUTE_STEP)
def unit_scans(request: AuthenticatedRequest, serial: str) -> Response:
    data = _parse(shapes.ScanIn, request)
    unit = get_unit_for_user(request.user, serial)
    consumption = scan_services.record_scan(
        unit=unit,
        step=data["step"],
        barcode=data["barcode"],
        quantity=data["quantity"],
        station=_station_or_none(data["station"]),
        actor=request.user,
    )
    return Response(shapes.consumption_body(consumption, consumption.lot), status=201)


@extend_schema(
    request=shapes.ResultIn,
    responses=ANSWERS,
    summary="Record an inspection result; out of tolerance raises an NCR and holds",
)
@api_endpoint(POST=EXECUTE_STEP)
def unit_results(request: AuthenticatedRequest, serial: str) -> Response:
    data = _parse(shapes.ResultIn, request)
    unit = get_unit_for_user(request.user, serial)
    recorded = result_services.record_result(
        unit=unit,
        step=data["step"],
        characteristic_code=data["characteristic"],
        value=data["value"],
        passed=data["passed"],
        gauge=data["gauge"] or None,
        reason=data["reason"],
        station=_station_or_none(data["station"]),
        actor=request.user,
    )
    return Response(shapes.result_body(recorded.result, ncr=recorded.ncr, hold=recorded.hold), status=201)


@extend_schema(request=shapes.ToolScanIn, responses=ANSWERS, summary="Scan the tool a step requires")
@api_endpoint(POST=EXECUTE_STEP)
def unit_tools(request: AuthenticatedRequest, serial: str) -> Response:
    data = _parse(shapes.ToolScanIn, request)
    unit = get_unit_for_user(request.user, serial)
    scan = tool_services.record_tool_scan(
        unit=unit,
        step=data["step"],
        barcode=data["barcode"],
        station=_station_or_none(data["station"]),
        actor=request.user,
    )
    return Response(shapes.tool_scan_body(scan), status=201)


@extend_schema(
    request=shapes.SignOffIn,
    responses=ANSWERS,
    summary="Sign off the current step; 409 lists each missing item",
)
@api_endpoint(POST=EXECUTE_STEP)
def unit_signoff(request: AuthenticatedRequest, serial: str) -> Response:
    data = _parse(shapes.SignOffIn, request)
    unit = get_unit_for_user(request.user, serial)
    countersignature = data["countersignature"]
    next_step = unit_services.sign_off_step(
        unit=unit,
        step=data["step"],
        station=_station_or_none(data["station"]),
        actor=request.user,
        countersigner=unit_services.Countersignature(**countersignature) if countersignature else None,
    )
    return Response(
        {
            "unit": unit.serial,
            "status": "in_progress" if next_step else "completed",
            "signed_off": data["step"],
            "next_step": {"id": next_step.pk, "title": next_step.title, "position": next_step.position}
            if next_step
            else None,
        }
    )
