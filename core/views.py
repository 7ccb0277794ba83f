"""Screens every role shares: home, health, audit trail, rendered documents."""

from django import forms
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from core import audit_labels, documents, selectors, texts
from core.choices import DocumentStatus, Role
from core.errors import error_response
from core.htmx import render_page
from core.models import AuditEntry, RenderedDocument
from core.permissions import VIEW_AUDIT, public, requires
from core.types import AuthenticatedHttpRequest

# Where each role lands after signing in: each app registers its pages with a rank; the lowest
# rank whose URL exists wins.
HOME_BY_ROLE: dict[str, list[tuple[int, str]]] = {Role.INTEGRATION: [(10, "api-docs")]}


def register_home(role: str, url_name: str, *, rank: int) -> None:
    HOME_BY_ROLE.setdefault(role, []).append((rank, url_name))
    HOME_BY_ROLE[role].sort()


@requires()
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    for _rank, name in HOME_BY_ROLE.get(request.user.role, ()):
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            continue
    return render(request, "core/home.html")


@public
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


class AuditFilterForm(forms.Form):
    """The audit trail's filters; every one optional, all of them in the address (shareable)."""

    action = forms.CharField(label=_("What"), required=False, max_length=64)
    who = forms.CharField(label=_("Who"), required=False, max_length=150)
    subject_type = forms.CharField(label=_("Subject type"), required=False, max_length=64)
    subject_id = forms.CharField(label=_("Subject id"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _filtered_entries(form: AuditFilterForm, request: HttpRequest):
    raw_subject = request.GET.get("subject", "").strip()  # older links: ?subject=type:id
    subject_type, colon, subject_id = raw_subject.partition(":")
    subject = (subject_type, subject_id) if colon else None
    if not form.is_valid():
        return AuditEntry.objects.none()
    data = form.cleaned_data
    return selectors.audit_entries(
        subject=subject,
        action=data["action"],
        who=data["who"],
        subject_type=data["subject_type"],
        subject_id=data["subject_id"],
        date_from=data["date_from"],
        date_to=data["date_to"],
    )


def _subject_links(entries: list[AuditEntry]) -> None:
    """Give each entry `subject_url` and `subject_label` where its subject has a screen: one query
    per kind of subject on the page, whatever the number of entries (each app registers its kinds)."""
    ids: dict[str, set[str]] = {}
    for entry in entries:
        entry.subject_url, entry.subject_label = "", ""
        if entry.subject_type in audit_labels.SUBJECTS and entry.subject_id.isdigit():
            ids.setdefault(entry.subject_type, set()).add(entry.subject_id)
    links = {
        (subject_type, pk): link
        for subject_type, wanted in ids.items()
        for pk, link in audit_labels.SUBJECTS[subject_type].links(wanted).items()
    }
    for entry in entries:
        entry.subject_url, entry.subject_label = links.get((entry.subject_type, entry.subject_id), ("", ""))


@requires(VIEW_AUDIT)
def audit_trail(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every recorded act, newest first, filtered by action, who, subject and dates; subjects with
    a screen are links, actions read as words with the code beside them. Four queries a page."""
    form = AuditFilterForm(request.GET)
    page = Paginator(_filtered_entries(form, request), 50).get_page(request.GET.get("page"))
    entries = list(page.object_list)
    for entry in entries:
        entry.action_label = audit_labels.action_label(entry.action)
        entry.summary = texts.audit_summary(entry)
        entry.reason = texts.audit_reason(entry)
    _subject_links(entries)
    actions = sorted(
        ((code, str(label)) for code, label in audit_labels.ACTION_LABELS.items()), key=lambda item: item[1]
    )
    return render_page(
        request,
        "core/audit_trail.html",
        {
            "page": page,
            "entries": entries,
            "form": form,
            "actions": actions,
            "subject_types": sorted((kind, subject.label) for kind, subject in audit_labels.SUBJECTS.items()),
        },
        partial="audit-table",
    )


def _document_for_user(request: AuthenticatedHttpRequest, document_id: int) -> RenderedDocument:
    document = selectors.document_of(document_id, requested_by=request.user)
    if document is None:
        raise Http404
    return document


@requires()
def document_status(request: AuthenticatedHttpRequest, document_id: int) -> HttpResponse:
    document = _document_for_user(request, document_id)
    return render_page(
        request, "core/document_status.html", {"document": document}, partial="document-status"
    )


@requires()
def document_download(request: AuthenticatedHttpRequest, document_id: int) -> FileResponse:
    document = _document_for_user(request, document_id)
    if document.status != DocumentStatus.READY:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=documents.download_name(document),
    )


@require_POST
@requires()
def set_language(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in person chooses the language of their screens; back to where they were."""
    from core.errors import DomainError
    from core.identities import set_preferred_language

    try:
        set_preferred_language(
            user=request.user, language=request.POST.get("language", ""), actor=request.user
        )
    except DomainError as error:
        return HttpResponse(error.message, status=error.status, content_type="text/plain; charset=utf-8")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    return redirect(target)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404 for addresses that match no view: JSON under /api/, the site's page elsewhere."""
    from django.utils.translation import gettext as _

    if request.path.startswith("/api/"):
        return error_response(
            404, "not_found", _("Nothing here: check the address against the API docs at /api/v1/docs/.")
        )
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    from django.utils.translation import gettext as _

    if request.path.startswith("/api/"):
        return error_response(
            500,
            "server_error",
            _(
                "Something went wrong on the server; nothing was recorded. Try again, and tell the "
                "administrator if it repeats."
            ),
        )
    return render(request, "500.html", status=500)


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    """403 that says where to go: JSON under /api/; an operator is sent to the station tablet (the
    desk screens are for quality and engineering); anyone else to the start page of their role."""
    from django.utils.translation import gettext as _

    if request.path.startswith("/api/"):
        return error_response(403, "permission_denied", _("This identity's role does not allow this action."))
    user = request.user
    context = {
        "is_operator": user.is_authenticated and user.role == Role.OPERATOR,
        "role": user.get_role_display() if user.is_authenticated else "",
    }
    return render(request, "403.html", context, status=403)
