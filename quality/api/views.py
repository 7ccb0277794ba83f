"""The NCR API: list, raise, one NCR, disposition (e-signed by a person), close. Same services as the
screens."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from core.api.endpoints import api_endpoint
from core.errors import Malformed, NotFound
from core.signatures import SignatureRequest
from core.types import AuthenticatedRequest
from quality import selectors
from quality.api import serializers as shapes
from quality.choices import NcrStatus
from quality.models import Ncr
from quality.permissions import DISPOSITION_NCR, RAISE_NCR, VIEW_NCR
from quality.services import dispositions as disposition_services
from quality.services import ncrs as ncr_services

ERRORS = {
    code: OpenApiResponse(
        inline_serializer(
            "Errors{}".format(code), {"errors": serializers.ListField(child=serializers.DictField())}
        )
    )
    for code in (400, 403, 404, 409, 422)
}
NCR = inline_serializer(
    "Ncr",
    {
        "id": serializers.IntegerField(),
        "number": serializers.CharField(),
        "status": serializers.CharField(
            help_text="open, in_review (an extension of API.md's enum: taken into review, not yet "
            "dispositioned, the unit still held), dispositioned or closed"
        ),
        "unit": serializers.CharField(allow_null=True),
        "step": serializers.IntegerField(allow_null=True),
        "characteristic": serializers.CharField(allow_null=True),
        "value": serializers.CharField(allow_null=True),
        "lot": serializers.CharField(allow_null=True),
        "decision": serializers.CharField(allow_null=True),
        "evidence": serializers.JSONField(),
        "disposition": serializers.JSONField(required=False),
    },
)
NCR_LIST = inline_serializer(
    "NcrList",
    {
        "ncrs": NCR.__class__(many=True),
        "next": serializers.IntegerField(
            allow_null=True, help_text="Pass as `after` for the following page; null on the last page."
        ),
    },
)
PAGE_DEFAULT = 100
PAGE_MAX = 500
STATUS_HELP = (
    "open, in_review, dispositioned or closed. `in_review` extends API.md's enum (open, dispositioned, "
    "closed): an inspector has taken the NCR into review; like `open` it is not dispositioned yet and "
    "keeps the unit held, so a client that knows only API.md's three values treats it as `open`."
)


def _ncr(ncr_id: int) -> Ncr:
    ncr = selectors.ncr_for_api(ncr_id)
    if ncr is None:
        raise NotFound("unknown_ncr", _("No NCR {id}.").format(id=ncr_id), "id")
    return ncr


def _full_body(ncr: Ncr) -> dict:
    disposition, signatures = selectors.disposition_with_signatures(ncr)
    return shapes.ncr_body(ncr, disposition=disposition, signatures=signatures)


@extend_schema(
    methods=["GET"],
    summary="NCRs with unit, step, revision, lot and the evidence, newest first, a page at a time",
    operation_id="ncrs_list",
    description=(
        "Status is one of " + STATUS_HELP + " Paged by cursor: the answer's `next` is the id to pass as "
        "`after` for the following page (older NCRs), null on the last page."
    ),
    parameters=[
        OpenApiParameter("status", str, description=STATUS_HELP),
        OpenApiParameter(
            "after",
            int,
            description="The `next` of the previous page: only NCRs listed after that one (older).",
        ),
        OpenApiParameter(
            "limit", int, description="Rows per page, 1..{} (default {}).".format(PAGE_MAX, PAGE_DEFAULT)
        ),
    ],
    responses={200: NCR_LIST, 400: ERRORS[400]},
)
@extend_schema(
    methods=["POST"],
    summary="Raise an NCR by hand (a unit NCR holds the unit)",
    operation_id="ncrs_raise",
    description=(
        "`contain: true` with a lot and no unit also quarantines the lot and holds every unfinished unit "
        "that consumed it: that needs `mes.quarantine_lot` (inspectors), 403 `permission_denied` otherwise. "
        "An operator raises on a unit only at a station they are assigned to (403 `station_not_assigned`). "
        "The answer's status is `open`; see GET for `in_review`."
    ),
    request=shapes.RaiseNcrSerializer,
    responses={201: NCR, **ERRORS},
)
@api_endpoint(GET=VIEW_NCR, POST=RAISE_NCR)
def ncrs(request: AuthenticatedRequest) -> Response:
    if request.method == "POST":
        serializer = shapes.RaiseNcrSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ncr = ncr_services.raise_by_hand(actor=request.user, **serializer.validated_data)
        return Response(_full_body(_ncr(ncr.pk)), status=201)
    # Newest first by id (ids follow the order NCRs are raised): a cursor that new NCRs never shift.
    status = request.query_params.get("status")
    if status:
        if status not in NcrStatus.values:
            raise Malformed(
                "invalid_status",
                _("Status is one of: {statuses}.").format(statuses=", ".join(NcrStatus.values)),
                "status",
            )
    after = _positive_int(request.query_params.get("after"), "after")
    limit = _positive_int(request.query_params.get("limit"), "limit") or PAGE_DEFAULT
    if limit > PAGE_MAX:
        raise Malformed("invalid_limit", _("Limit is at most {max}.").format(max=PAGE_MAX), "limit")
    page, more = selectors.ncr_page(status=status, after=after, limit=limit)
    return Response({"ncrs": [shapes.ncr_body(ncr) for ncr in page], "next": page[-1].pk if more else None})


def _positive_int(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise Malformed(
            "invalid_{}".format(name),
            _("{name} is a whole number greater than zero.").format(name=name),
            name,
        )
    return int(value)


@extend_schema(
    summary="One NCR, with its disposition and signatures",
    operation_id="ncrs_detail",
    responses={200: NCR, 404: ERRORS[404]},
)
@api_endpoint(GET=VIEW_NCR)
def ncr_detail(request: AuthenticatedRequest, ncr_id: int) -> Response:
    return Response(_full_body(_ncr(ncr_id)))


@extend_schema(
    summary="Disposition an NCR, signed now by a person (user name + password); a token alone cannot sign",
    operation_id="ncrs_disposition",
    request=shapes.DispositionSerializer,
    responses={200: NCR, **ERRORS},
)
@api_endpoint(POST=DISPOSITION_NCR)
def ncr_disposition(request: AuthenticatedRequest, ncr_id: int) -> Response:
    serializer = shapes.DispositionSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    requests = [SignatureRequest(**data[key]) for key in ("signature", "second_signature") if data.get(key)]
    lines = None
    if data.get("lines"):
        lines = [
            disposition_services.DecisionLine(
                decision=line["decision"],
                quantity=line["quantity"],
                rtv_reference=line.get("rtv_reference", ""),
            )
            for line in data["lines"]
        ]
    disposition_services.disposition_ncr(
        ncr=_ncr(ncr_id),
        decision=data.get("decision"),
        lines=lines,
        reason=data["reason"],
        signatures=requests,
        actor=request.user,
        rework_steps=data["rework_steps"],
        repair_note=data["repair_note"],
        rtv_reference=data["rtv_reference"],
    )
    return Response(_full_body(_ncr(ncr_id)))


@extend_schema(
    summary="Close a dispositioned NCR once its outcome is verified",
    operation_id="ncrs_close",
    request=shapes.CloseSerializer,
    responses={200: NCR, **ERRORS},
)
@api_endpoint(POST=DISPOSITION_NCR)
def ncr_close(request: AuthenticatedRequest, ncr_id: int) -> Response:
    serializer = shapes.CloseSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    ncr_services.close_ncr(ncr=_ncr(ncr_id), actor=request.user, reason=serializer.validated_data["reason"])
    return Response(_full_body(_ncr(ncr_id)))
