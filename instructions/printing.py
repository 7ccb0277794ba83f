"""The printable instructions of a revision (WeasyPrint), rendered by `tasks.render_revision_pdf`.

Every page carries the revision's identity and its status (PREVIEW for a draft, RELEASED
or SUPERSEDED otherwise) and "page n of N", in the page margin boxes (invariant 1).
"""

import base64
import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.documents import name_downloads, offline_url_fetcher
from core.models import RenderedDocument
from instructions.choices import RevisionStatus
from instructions.selectors import revision_detail

KIND = "revision-instructions"

logger = logging.getLogger(__name__)

# Pictures a PDF shows; videos and PDFs stay captions. WeasyPrint fetches nothing (the fetcher
# allows only `data:`), so each picture is read from Django storage and embedded as a data URI.
EMBEDDED_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/svg+xml"})
MAX_EMBEDDED_BYTES = 8 * 1024 * 1024


def embedded_image(file, content_type: str) -> str:
    """A `data:` URI of a stored picture, or "" when it is not a picture we print or cannot be read."""
    content_type = (content_type or "").split(";")[0].strip().lower()
    if content_type not in EMBEDDED_IMAGE_TYPES or not file:
        return ""
    try:
        with file.open("rb") as handle:
            content = handle.read(MAX_EMBEDDED_BYTES + 1)
    except OSError:
        logger.warning("printing: media %s could not be read from storage", getattr(file, "name", ""))
        return ""
    if len(content) > MAX_EMBEDDED_BYTES:
        return ""
    return "data:{};base64,{}".format(content_type, base64.b64encode(content).decode("ascii"))


def document_filename(document: RenderedDocument) -> str:
    """`100-200-revC-instructions.pdf` (with `-de` for a German copy) rather than a database id."""
    from instructions.models import Revision

    revision = Revision.objects.select_related("product").filter(pk=document.subject_id).first()
    if revision is None:
        return ""
    return "{}-rev{}-instructions{}.pdf".format(
        revision.product.part_number, revision.revision, "-" + document.variant if document.variant else ""
    )


def css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes and line breaks escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3c ")
    return '"{}"'.format(escaped)


def status_mark(status: str) -> str:
    marks: dict[str, str] = {
        RevisionStatus.DRAFT: _("PREVIEW — NOT RELEASED, DO NOT BUILD"),
        RevisionStatus.RELEASED: _("RELEASED"),
        RevisionStatus.SUPERSEDED: _("SUPERSEDED"),
    }
    return marks[status]


name_downloads(KIND, document_filename)


def revision_html(revision_id: int, *, base_url: str = "") -> str:
    detail = revision_detail(revision_id)
    if detail is None:
        raise LookupError(_("Revision {id} does not exist.").format(id=revision_id))
    revision = detail.revision
    for operation in revision.operations.all():
        for step in operation.steps.all():
            for media in step.media.all():
                media.embedded = embedded_image(media.file, media.content_type)
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
