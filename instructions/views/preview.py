"""Preview as operator: the line's step screens for any revision, draft or released, marked PREVIEW."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.htmx import render_page
from core.permissions import requires
from core.types import AuthenticatedHttpRequest
from instructions.forms import DraftUploadForm
from instructions.permissions import IMPORT_RELEASE, PREVIEW_REVISION
from instructions.selectors import preview_screen
from instructions.services.releases import accept_release


@requires(PREVIEW_REVISION)
def revision_preview(request: AuthenticatedHttpRequest, revision_id: int, position: int = 1) -> HttpResponse:
    screen = preview_screen(revision_id, position)
    if screen is None:
        raise Http404
    return render_page(
        request, "line/step_screen.html", {"screen": screen}, partial="step-screen", also=["preview-mark"]
    )


@requires(PREVIEW_REVISION, IMPORT_RELEASE)
def draft_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Store a release document as a draft (never executable) and open its preview."""
    errors: list = []
    status = 200
    if request.method == "POST":
        form = DraftUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["document"]
            try:
                accepted = accept_release(
                    payload=upload.read(),
                    content_type=form.content_type,
                    actor=request.user,
                    draft=True,
                )
            except DomainError as error:
                errors = error.errors
                status = error.status
            else:
                messages.success(
                    request,
                    _("Draft {part} rev {revision} stored for preview. It can never be built.").format(
                        part=accepted.revision.product.part_number, revision=accepted.revision.revision
                    ),
                )
                return redirect("instructions:revision-preview", accepted.revision.pk, 1)
        else:
            status = 422
    else:
        form = DraftUploadForm(initial={"idempotency_key": uuid.uuid4().hex})
    if request.method == "POST":
        # A new key for the next attempt: the refused upload is answered, a corrected file is a new request.
        data = request.POST.copy()  # the data the form was bound to
        data["idempotency_key"] = uuid.uuid4().hex
        form.data = data
    return render_page(
        request,
        "instructions/draft_upload.html",
        {"form": form, "errors": errors},
        partial="upload-form",
        status=status,
    )
