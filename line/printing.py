"""The as-built record as a PDF (WeasyPrint), rendered by `tasks.render_as_built_pdf`, never in a request.

Every page carries the unit's serial, product, revision, the record hash prefix, FINAL or
NOT FINAL, and "page n of N", in the page margin boxes. The document's `variant` is the
record hash (its first 40 characters) the PDF was asked for: when the record changed before
the task ran, the render fails rather than print other content under that hash, and the next
request asks for the new one.

Nothing in a record may make the server fetch anything: the URL fetcher refuses every URL
but `data:` (a lot code, a reason or a step title is text an operator or a system typed).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.documents import offline_url_fetcher
from core.models import RenderedDocument
from instructions.printing import css_string
from line.as_built import AsBuiltRecord, as_built_record
from line.models import Unit

KIND = "unit-as-built"
# RenderedDocument.variant holds 40 characters: 160 bits of the SHA-256 tell versions apart.
VARIANT_LENGTH = 40


def variant_of(record: AsBuiltRecord) -> str:
    return record.record_hash[:VARIANT_LENGTH]


def final_mark(record: AsBuiltRecord) -> str:
    return _("FINAL") if record.is_final else _("NOT FINAL — unit not completed")


def as_built_html(record: AsBuiltRecord) -> str:
    identity = "{serial} · {part_number} {name} · {rev} {revision} · {hash} {prefix}".format(
        serial=record.serial,
        part_number=record.product["part_number"],
        name=record.product["name"],
        rev=_("rev"),
        revision=record.revision.revision,
        hash=_("record"),
        prefix=record.hash_prefix,
    )
    page_css = (
        "@top-left {{ content: {identity}; }} "
        "@top-right {{ content: {mark}; font-weight: bold; }} "
        "@bottom-right {{ content: {page} counter(page) {of} counter(pages); }}"
    ).format(
        identity=css_string(identity),
        mark=css_string(final_mark(record)),
        page=css_string(_("Page") + " "),
        of=css_string(" " + _("of") + " "),
    )
    return render_to_string(
        "print/as_built.html",
        {
            "record": record,
            "mark": final_mark(record),
            "page_css": mark_safe(page_css),
        },  # escaped CSS strings
    )


def as_built_pdf(document: RenderedDocument) -> bytes:
    from weasyprint import HTML

    unit = Unit.objects.filter(pk=int(document.subject_id)).first()
    if unit is None:
        raise LookupError(_("Unit {id} does not exist.").format(id=document.subject_id))
    record = as_built_record(unit)
    if document.variant and variant_of(record) != document.variant:
        raise ValueError(_("The unit's record changed since this PDF was asked for: ask for it again."))
    with translation.override(settings.LANGUAGE_CODE):
        html = as_built_html(record)
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()
