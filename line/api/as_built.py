"""The as-built record over HTTP: JSON, and the PDF made in Celery (202 until it is ready)."""

from django.http import FileResponse, HttpResponse, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import renderer_classes
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from core.api.endpoints import api_endpoint
from core.choices import DocumentStatus
from core.errors import DomainError
from core.types import AuthenticatedRequest
from line.as_built import as_built_record, get_unit_for_as_built
from line.permissions import VIEW_UNIT
from line.services.as_built import request_as_built_pdf

RETRY_AFTER_SECONDS = 2


class PdfRenderer(BaseRenderer):
    """Lets a client send `Accept: application/pdf`; the PDF itself is streamed as a FileResponse."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        # only error bodies reach a renderer here: they stay JSON
        return JSONRenderer().render(data)


PERSON = inline_serializer(
    "AsBuiltPerson", {"username": serializers.CharField(), "name": serializers.CharField()}
)
REVISION = inline_serializer(
    "AsBuiltRevision",
    {
        "id": serializers.IntegerField(),
        "part_number": serializers.CharField(),
        "revision": serializers.CharField(),
        "release_id": serializers.CharField(),
        "content_sha256": serializers.CharField(),
    },
)
MILESTONE = inline_serializer(
    "AsBuiltMilestone",
    {
        "at": serializers.DateTimeField(),
        "by": PERSON,
        "station": serializers.CharField(allow_null=True),
        "reason": serializers.CharField(),
    },
)
AS_BUILT = inline_serializer(
    "AsBuiltRecord",
    {
        "format": serializers.CharField(help_text="threadline.as-built/1"),
        "serial": serializers.CharField(),
        "status": serializers.CharField(),
        "is_final": serializers.BooleanField(help_text="True only for a completed or scrapped unit."),
        "product": inline_serializer(
            "AsBuiltProduct", {"part_number": serializers.CharField(), "name": serializers.CharField()}
        ),
        "work_order": serializers.CharField(),
        "revision": REVISION,
        "revision_bound_at": serializers.DateTimeField(allow_null=True),
        "eco_decisions": serializers.ListField(
            child=serializers.JSONField(),
            help_text="decision, rebound, from_revision, to_revision, reason, reopened_from_step, "
            "decided_at, decided_by, signature (printed_name, username, meaning, signed_at, content_hash)",
        ),
        "started": MILESTONE,
        "completed": MILESTONE,
        "scrapped": MILESTONE,
        "steps": serializers.ListField(
            child=serializers.JSONField(),
            help_text="In routing order: id, revision, bound, position, title, operation, work_center, "
            "sign_off_by, attempts[] (number, consumptions[], results[] with replaces/replaced_by, "
            "tool_scans[], sign_off)",
        ),
        "holds": serializers.ListField(child=serializers.JSONField()),
        "ncrs": serializers.ListField(
            child=serializers.JSONField(),
            help_text="number, status, source, ..., disposition (reason, lines[], signatures[]) or null",
        ),
        "record_hash": serializers.CharField(help_text="SHA-256 of the canonical JSON of every other key."),
    },
)
PENDING = inline_serializer(
    "AsBuiltPdfPending",
    {
        "status": serializers.CharField(help_text="pending"),
        "document": serializers.IntegerField(),
        "retry_after": serializers.IntegerField(help_text="Seconds to wait before asking again."),
    },
)
ERRORS = {code: OpenApiTypes.OBJECT for code in (401, 403, 404)}


@extend_schema(
    operation_id="unit_as_built",
    summary="The unit's as-built record",
    description="Revision bound (and every ECO decision), each step's attempts with consumptions, results, "
    "tool scans and sign-offs, holds, NCRs with dispositions and signatures. Readable in progress "
    "(is_final false); record_hash tells versions apart.",
    request=None,
    responses={200: AS_BUILT, **ERRORS},
)
@api_endpoint(GET=VIEW_UNIT)
def unit_as_built(request: AuthenticatedRequest, serial: str) -> Response:
    unit = get_unit_for_as_built(request.user, serial)
    return Response(as_built_record(unit).as_json())


@extend_schema(
    operation_id="unit_as_built_pdf",
    summary="The unit's as-built record as PDF",
    description="PDFs are made in the background. 200 with the PDF of the current record version when it is "
    "ready; otherwise 202 with the document id and a Retry-After header: ask again later. 503 "
    "`document_not_queued` when the task queue cannot be reached (ask again later).",
    request=None,
    responses={
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF"),
        (202, "application/json"): OpenApiResponse(PENDING, description="Being made: ask again"),
        503: OpenApiResponse(
            OpenApiTypes.OBJECT, description="The task queue cannot be reached: ask again later"
        ),
        **ERRORS,
    },
)
@api_endpoint(GET=VIEW_UNIT)
@renderer_classes([JSONRenderer, PdfRenderer])
def unit_as_built_pdf(request: AuthenticatedRequest, serial: str) -> HttpResponse | FileResponse:
    unit = get_unit_for_as_built(request.user, serial)
    record = as_built_record(unit)
    document = request_as_built_pdf(unit=unit, record=record, actor=request.user, reuse_any=True)
    if document.status == DocumentStatus.FAILED:  # the task queue could not take it: say so, not "pending"
        raise DomainError("document_not_queued", document.error, "", status=503)
    if document.status == DocumentStatus.READY:
        return FileResponse(
            document.file.open("rb"),
            content_type="application/pdf",
            filename="as-built-{}-{}.pdf".format(record.serial, record.hash_prefix),
        )
    response = JsonResponse(
        {"status": "pending", "document": document.pk, "retry_after": RETRY_AFTER_SECONDS}, status=202
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
