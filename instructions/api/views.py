"""Release intake and revision reads over HTTP: thin shells around the services and selectors."""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import BaseParser
from rest_framework.response import Response

from core.api.endpoints import api_endpoint
from core.errors import Malformed, NotFound, too_large
from core.permissions import public
from core.types import AuthenticatedRequest
from instructions.access import may_see
from instructions.api.serializers import revision_full, revision_summary
from instructions.permissions import IMPORT_RELEASE, VIEW_REVISION
from instructions.selectors import product_revisions, revision_in_full
from instructions.services.parsing import check_content_type
from instructions.services.releases import accept_release
from instructions.services.validation import release_schema


class RawBodyParser(BaseParser):
    """Hands the raw bytes to the service, which decides whether they are JSON or a ZIP bundle."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""


@extend_schema(
    request={
        "application/json": {"type": "object"},
        "application/zip": {"type": "string", "format": "binary"},
    },
    responses={code: OpenApiTypes.OBJECT for code in (200, 201, 400, 401, 403, 409, 413, 415, 422)},
    summary="Accept a release document (threadline.mbom-release/1 as JSON, or its ZIP bundle)",
)
@api_endpoint(POST=IMPORT_RELEASE)
def releases(request: AuthenticatedRequest) -> Response:
    # The type first: a form upload must be refused before Django parses it, or its body is gone.
    check_content_type(request.content_type)
    try:
        payload = request._request.body
    except RequestDataTooBig:
        raise too_large() from None
    result = accept_release(payload=payload, content_type=request.content_type, actor=request.user)
    revision = revision_in_full(result.revision.pk)
    if revision is None:  # stored just above; revisions are never deleted
        raise LookupError("Revision {} was accepted but cannot be read back.".format(result.revision.pk))
    return Response(revision_full(revision), status=201 if result.created else 200)


releases.cls.parser_classes = [RawBodyParser]


@extend_schema(
    parameters=[OpenApiParameter("part_number", str, description="The product's part number (required)")],
    responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    operation_id="revisions_list",
    summary="Revisions of a product with status and effectivity",
)
@api_endpoint(GET=VIEW_REVISION)
def revisions(request: AuthenticatedRequest) -> Response:
    part_number = request.query_params.get("part_number", "").strip()
    if not part_number:
        raise Malformed("missing_parameter", _("Name the product: ?part_number=100-200."), "part_number")
    rows = product_revisions(part_number)
    return Response({"part_number": part_number, "revisions": [revision_summary(row) for row in rows]})


@extend_schema(
    summary="One revision in full: operations, steps, materials, characteristics",
    responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    operation_id="revisions_retrieve",
)
@api_endpoint(GET=VIEW_REVISION)
def revision_detail(request: AuthenticatedRequest, revision_id: int) -> Response:
    revision = revision_in_full(revision_id)
    if revision is None or not may_see(request.user, revision):
        raise NotFound(
            "unknown_revision", _("There is no revision with id {id}.").format(id=revision_id), "id"
        )
    return Response(revision_full(revision))


@public
@require_GET
def release_format_schema(request) -> JsonResponse:
    """The JSON Schema of threadline.mbom-release/1, open to anyone: PLM adapters validate before sending."""
    return JsonResponse(release_schema(), content_type="application/schema+json")
