"""The NCR report PDF (WeasyPrint), rendered by `tasks.render_ncr_pdf`.

Every page's footer carries the NCR number, its status, and each signature of its disposition
(printed name, time, meaning, content hash), with "page n of N".
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.documents import offline_url_fetcher
from core.models import RenderedDocument
from core.templatetags.threadline_format import when
from instructions.printing import css_string, embedded_image
from quality.selectors import ncr_context
from quality.views.presenting import history_rows, name_rework_steps

KIND = "ncr-report"


def footer_text(context) -> str:
    ncr = context.ncr
    text = "{} · {}".format(ncr.number, ncr.get_status_display())
    if context.disposition:
        for signature in context.disposition.signatures:
            text += "\n" + _("Signed {meaning} by {name} at {time} · SHA-256 {hash}").format(
                meaning=signature.get_meaning_display(),
                name=signature.printed_name,
                time=when(signature.signed_at, "seconds"),
                hash=signature.content_hash,
            )
    else:
        text += "\n" + _("Not dispositioned: no signature.")
    return text


def ncr_html(ncr_id: int) -> str:
    context = ncr_context(ncr_id)
    if context is None:
        raise LookupError(_("NCR {id} does not exist.").format(id=ncr_id))
    name_rework_steps(context)
    page_css = (
        "@bottom-left {{ content: {footer}; white-space: pre; font-size: 7pt; }} "
        "@bottom-right {{ content: {page} counter(page) {of} counter(pages); font-size: 8pt; }}"
    ).format(
        footer=css_string(footer_text(context)),
        page=css_string(_("Page") + " "),
        of=css_string(" " + _("of") + " "),
    )
    # The fetcher allows only `data:` URIs: the photo is read from storage and embedded.
    photo_uri = embedded_image(context.ncr.photo, context.ncr.photo_content_type) if context.ncr.photo else ""
    return render_to_string(
        "print/ncr.html",
        {
            "screen": context,
            "history": history_rows(context.events),
            "photo_uri": photo_uri,
            "page_css": mark_safe(page_css),
        },
    )  # built from escaped CSS strings


def ncr_pdf(document: RenderedDocument) -> bytes:
    from weasyprint import HTML

    with translation.override(document.variant or settings.LANGUAGE_CODE):
        html = ncr_html(int(document.subject_id))
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()
