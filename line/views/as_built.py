"""The as-built record of one unit, for engineers and inspectors, with its PDF (made in Celery)."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from core.errors import NotFound
from core.htmx import render_page
from core.permissions import requires
from core.types import AuthenticatedHttpRequest
from line.as_built import as_built_record, get_unit_for_as_built
from line.permissions import VIEW_UNIT
from line.services.as_built import request_as_built_pdf


def _unit(request: AuthenticatedHttpRequest, serial: str):
    try:
        return get_unit_for_as_built(request.user, serial)
    except NotFound as error:
        raise Http404(error.message) from error


@require_GET
@requires(VIEW_UNIT)
def unit_as_built(request: AuthenticatedHttpRequest, serial: str) -> HttpResponse:
    record = as_built_record(_unit(request, serial))
    return render_page(request, "line/as_built.html", {"record": record})


@require_POST
@requires(VIEW_UNIT)
def unit_as_built_pdf(request: AuthenticatedHttpRequest, serial: str) -> HttpResponse:
    """Ask for the PDF of the record as it is now; the answer polls the document's status."""
    unit = _unit(request, serial)
    document = request_as_built_pdf(
        unit=unit, record=as_built_record(unit), actor=request.user, reuse_any=False
    )
    if request.htmx:
        return render_page(
            request,
            "core/document_status.html",
            {"document": document},
            partial="document-status",
            status=202,
        )
    return redirect("document-status", document.pk)
