"""Engineer screens: products, a product's revisions, a revision in full, its printable PDF."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from core import documents
from core.htmx import render_page
from core.permissions import requires
from core.types import AuthenticatedHttpRequest
from instructions import tasks
from instructions.access import may_see
from instructions.permissions import VIEW_REVISION
from instructions.printing import KIND
from instructions.selectors import product_detail as select_product_detail
from instructions.selectors import products_with_revisions, revision_with_product
from instructions.selectors import revision_detail as select_revision_detail


@requires(VIEW_REVISION)
def product_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render_page(request, "instructions/product_list.html", {"products": products_with_revisions()})


@requires(VIEW_REVISION)
def product_detail(request: AuthenticatedHttpRequest, product_id: int) -> HttpResponse:
    detail = select_product_detail(product_id)
    if detail is None:
        raise Http404
    return render_page(request, "instructions/product_detail.html", {"detail": detail})


@requires(VIEW_REVISION)
def revision_detail(request: AuthenticatedHttpRequest, revision_id: int) -> HttpResponse:
    detail = select_revision_detail(revision_id)
    if detail is None or not may_see(request.user, detail.revision):
        raise Http404
    return render_page(
        request, "instructions/revision_detail.html", {"detail": detail, "revision": detail.revision}
    )


@require_POST
@requires(VIEW_REVISION)
def revision_pdf(request: AuthenticatedHttpRequest, revision_id: int) -> HttpResponse:
    """Ask for the printable PDF; it is made by a Celery task and the answer polls for it."""
    revision = revision_with_product(revision_id)
    if revision is None or not may_see(request.user, revision):
        raise Http404
    document = documents.request_document(
        kind=KIND,
        subject_id=revision_id,
        variant=get_language() or "",
        task=tasks.render_revision_pdf,
        actor=request.user,
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
