"""One NCR: its whole context, review, the signed disposition, containment, close, the report PDF."""

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from core import documents
from core.errors import DomainError
from core.htmx import render_page
from core.permissions import requires
from core.types import AuthenticatedHttpRequest
from quality import tasks
from quality.access import get_ncr_for_user
from quality.forms import CloseForm, ContainedForm, DispositionForm
from quality.permissions import DISPOSITION_NCR, VIEW_NCR
from quality.printing import KIND
from quality.selectors import ncr_context
from quality.services import containment as containment_services
from quality.services import dispositions as disposition_services
from quality.services import ncrs as ncr_services
from quality.views.presenting import history_rows, name_rework_steps

TEMPLATE = "quality/ncr_detail.html"


def _back_to_detail(request, ncr_id: int) -> HttpResponse:
    """After an act the whole screen changes: htmx reloads it, a plain form post is redirected."""
    url = reverse("quality:ncr-detail", args=[ncr_id])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _render(
    request, ncr_id: int, *, form=None, contained_form=None, close_form=None, partial=None, status=200
):
    context = ncr_context(ncr_id)
    if context is None:
        raise Http404
    name_rework_steps(context)
    form = form or DispositionForm(steps=context.revision_steps, initial={"username": request.user.username})
    contained_form = contained_form or ContainedForm(
        units=context.contained_units, initial={"username": request.user.username}
    )
    return render_page(
        request,
        TEMPLATE,
        {
            "screen": context,
            "history": history_rows(context.events),
            "form": form,
            "contained_form": contained_form,
            "close_form": close_form or CloseForm(),
        },
        partial=partial,
        status=status,
    )


@requires(VIEW_NCR)
def detail(request: AuthenticatedHttpRequest, ncr_id: int) -> HttpResponse:
    get_ncr_for_user(request.user, ncr_id)
    return _render(request, ncr_id)


@require_POST
@requires(VIEW_NCR, DISPOSITION_NCR)
def review(request: AuthenticatedHttpRequest, ncr_id: int) -> HttpResponse:
    ncr = get_ncr_for_user(request.user, ncr_id)
    try:
        ncr_services.start_review(ncr=ncr, actor=request.user)
    except DomainError as error:
        return _render(request, ncr_id, status=error.status)
    return redirect("quality:ncr-detail", ncr_id)


@require_POST
@requires(VIEW_NCR, DISPOSITION_NCR)
def disposition(request: AuthenticatedHttpRequest, ncr_id: int) -> HttpResponse:
    """The signed decision: the signer re-enters user name and password now."""
    ncr = get_ncr_for_user(request.user, ncr_id)
    context = ncr_context(ncr_id)
    form = DispositionForm(request.POST, steps=context.revision_steps if context else ())
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        lines = None
        if data["split"]:
            lines = [
                disposition_services.DecisionLine(
                    decision=decision, quantity=quantity, rtv_reference=data["rtv_reference"]
                )
                for decision, quantity in data["split"]
            ]
        try:
            disposition_services.disposition_ncr(
                ncr=ncr,
                decision=data["decision"],
                lines=lines,
                reason=data["reason"],
                signatures=form.signature_requests(),
                actor=request.user,
                rework_steps=data["rework_steps"],
                repair_note=data["repair_note"],
                rtv_reference=data["rtv_reference"],
            )
        except DomainError as error:
            form.add_domain_error(error)
            status = error.status
        else:
            return _back_to_detail(request, ncr_id)
    sent_back = request.POST.copy()  # the form's data, as posted
    sent_back["password"] = sent_back["password2"] = ""  # a password is never sent back
    form.data = sent_back
    return _render(request, ncr_id, form=form, partial="disposition-form", status=status)


@require_POST
@requires(VIEW_NCR, DISPOSITION_NCR)
def contained_disposition(request: AuthenticatedHttpRequest, ncr_id: int) -> HttpResponse:
    """Act on several contained units at once; each unit gets its own NCR, disposition and signature."""
    ncr = get_ncr_for_user(request.user, ncr_id)
    context = ncr_context(ncr_id)
    form = ContainedForm(request.POST, units=context.contained_units if context else ())
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            containment_services.disposition_contained_units(
                ncr=ncr,
                serials=data["units"],
                decision=data["decision"],
                reason=data["reason"],
                signatures=form.signature_requests(),
                actor=request.user,
                repair_note=data["repair_note"],
            )
        except DomainError as error:
            form.add_domain_error(error)
            status = error.status
        else:
            return _back_to_detail(request, ncr_id)
    sent_back = request.POST.copy()  # the form's data, as posted
    sent_back["password"] = sent_back["password2"] = ""
    form.data = sent_back
    return _render(request, ncr_id, contained_form=form, partial="containment", status=status)


@require_POST
@requires(VIEW_NCR, DISPOSITION_NCR)
def close(request: AuthenticatedHttpRequest, ncr_id: int) -> HttpResponse:
    ncr = get_ncr_for_user(request.user, ncr_id)
    form = CloseForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            ncr_services.close_ncr(ncr=ncr, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_domain_error(error)
            status = error.status
        else:
            return _back_to_detail(request, ncr_id)
    return _render(request, ncr_id, close_form=form, partial="close-form", status=status)


@requires(VIEW_NCR)
def photo(request: AuthenticatedHttpRequest, ncr_id: int) -> FileResponse:
    ncr = get_ncr_for_user(request.user, ncr_id)
    if not ncr.photo:
        raise Http404
    response = FileResponse(
        ncr.photo.open("rb"), content_type=ncr.photo_content_type or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@requires(VIEW_NCR)
def report_pdf(request: AuthenticatedHttpRequest, ncr_id: int) -> HttpResponse:
    """Ask for the NCR report PDF; a Celery task makes it and the answer polls for it."""
    ncr = get_ncr_for_user(request.user, ncr_id)
    document = documents.request_document(
        kind=KIND,
        subject_id=ncr.pk,
        variant=get_language() or "",
        task=tasks.render_ncr_pdf,
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
