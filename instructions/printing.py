"""The printable instructions of a revision (WeasyPrint), rendered by `tasks.render_revision_pdf`.

Every page carries the revision's identity and its status (PREVIEW for a draft, RELEASED
or SUPERSEDED otherwise) and "page n of N", in the page margin boxes (invariant 1).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from instructions.choices import RevisionStatus
from instructions.selectors import revision_detail
from mes.core.documents import offline_url_fetcher
from mes.core.models import RenderedDocument

KIND = "revision-instructions"


def css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes and line breaks escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3c ")
    return '"{}"'.format(escaped)


def status_mark(status: str) -> str:
    return {
        RevisionStatus.DRAFT: _("PREVIEW — NOT RELEASED, DO NOT BUILD"),
        RevisionStatus.RELEASED: _("RELEASED"),
        RevisionStatus.SUPERSEDED: _("SUPERSEDED"),
    }[status]


def revision_html(revision_id: int, *, base_url: str = "") -> str:
    detail = revision_detail(revision_id)
    if detail is None:
        raise LookupError(_("Revision {id} does not exist.").format(id=revision_id))
    revision = detail.revision
    page_css = "@bottom-right {{ content: {} counter(page) {} counter(pages); }}".format(
        css_string(_("Page") + " "), css_string(" " + _("of") + " ")
    )
    return render_to_string(
        "print/revision.html",
        {
            "revision": revision,
            "parts": detail.parts,
            "mark": status_mark(revision.status),
            "page_css": mark_safe(page_css),  # built from escaped CSS strings above
        },
    )


def revision_pdf(document: RenderedDocument) -> bytes:
    from weasyprint import HTML

    with translation.override(document.variant or settings.LANGUAGE_CODE):
        html = revision_html(int(document.subject_id))
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()
