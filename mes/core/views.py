"""Screens every role shares: home, health, audit trail, rendered documents."""

from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from mes.core.choices import DocumentStatus, Role
from mes.core.htmx import render_page
from mes.core.models import AuditEntry, RenderedDocument
from mes.core.permissions import VIEW_AUDIT, public, requires

# Where each role lands after signing in; the first URL name that exists wins.
HOME_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.OPERATOR: ("mes:station-home",),
    Role.INSPECTOR: ("quality:ncr-queue", "instructions:product-list"),
    Role.ENGINEER: ("instructions:product-list",),
    Role.INTEGRATION: ("api-docs",),
    Role.ADMIN: ("instructions:product-list",),
}


@requires()
def home(request: HttpRequest) -> HttpResponse:
    for name in HOME_BY_ROLE.get(request.user.role, ()):
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


@requires(VIEW_AUDIT)
def audit_trail(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.select_related("actor").order_by("-id")
    subject = request.GET.get("subject", "").strip()
    if subject and ":" in subject:
        subject_type, subject_id = subject.split(":", 1)
        entries = entries.filter(subject_type=subject_type, subject_id=subject_id)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render_page(request, "core/audit_trail.html", {"page": page, "subject": subject}, partial="audit-table")


def _document_for_user(request: HttpRequest, document_id: int) -> RenderedDocument:
    document = RenderedDocument.objects.filter(pk=document_id, requested_by=request.user).first()
    if document is None:
        raise Http404
    return document


@requires()
def document_status(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document_for_user(request, document_id)
    return render_page(request, "core/document_status.html", {"document": document}, partial="document-status")


@requires()
def document_download(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document_for_user(request, document_id)
    if document.status != DocumentStatus.READY:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename="{}-{}{}.pdf".format(document.kind, document.subject_id, "-" + document.variant if document.variant else ""),
    )


@require_POST
@requires()
def set_language(request: HttpRequest) -> HttpResponse:
    """The signed-in person chooses the language of their screens; back to where they were."""
    from mes.core.errors import DomainError
    from mes.core.identities import set_preferred_language

    try:
        set_preferred_language(user=request.user, language=request.POST.get("language", ""), actor=request.user)
    except DomainError as error:
        return HttpResponse(error.message, status=error.status, content_type="text/plain; charset=utf-8")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = reverse("home")
    return redirect(target)


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"errors": [{"code": code, "message": message, "path": ""}]}, status=status)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404 for addresses that match no view: JSON under /api/, the site's page elsewhere."""
    from django.utils.translation import gettext as _

    if request.path.startswith("/api/"):
        return _api_error(404, "not_found", _("Nothing here: check the address against the API docs at /api/v1/docs/."))
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    from django.utils.translation import gettext as _

    if request.path.startswith("/api/"):
        return _api_error(500, "server_error", _("Something went wrong on the server; nothing was recorded. Try again, and tell the administrator if it repeats."))
    return render(request, "500.html", status=500)
