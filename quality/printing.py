"""The NCR report PDF (WeasyPrint), rendered by `tasks.render_ncr_pdf`.

Every page's footer carries the NCR number, its status, and each signature of its disposition
(printed name, time, meaning, content hash), with "page n of N".
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from instructions.printing import css_string
from mes.core.documents import offline_url_fetcher
from mes.core.models import RenderedDocument
from quality.selectors import ncr_context

KIND = "ncr-report"


def footer_text(context) -> str:
    ncr = context.ncr
    text = "{} · {}".format(ncr.number, ncr.get_status_display())
    if context.disposition:
        for signature in context.disposition.signatures:
            text += "\n" + _("Signed {meaning} by {name} at {time} · SHA-256 {hash}").format(
                meaning=signature.get_meaning_display(), name=signature.printed_name,
                time=signature.signed_at.strftime("%Y-%m-%d %H:%M:%S %Z"), hash=signature.content_hash)
    else:
        text += "\n" + _("Not dispositioned: no signature.")
    return text


def ncr_html(ncr_id: int) -> str:
    context = ncr_context(ncr_id)
    if context is None:
        raise LookupError(_("NCR {id} does not exist.").format(id=ncr_id))
    page_css = (
        "@bottom-left {{ content: {footer}; white-space: pre; font-size: 7pt; }} "
        "@bottom-right {{ content: {page} counter(page) {of} counter(pages); font-size: 8pt; }}"
    ).format(footer=css_string(footer_text(context)), page=css_string(_("Page") + " "), of=css_string(" " + _("of") + " "))
    photo_uri = ""
    if context.ncr.photo:
        try:
            photo_uri = Path(context.ncr.photo.path).as_uri()
        except NotImplementedError:  # a remote storage: the photo is listed, not embedded
            photo_uri = ""
    return render_to_string("print/ncr.html", {"screen": context, "photo_uri": photo_uri,
                                               "page_css": mark_safe(page_css)})  # built from escaped CSS strings


def ncr_pdf(document: RenderedDocument) -> bytes:
    from weasyprint import HTML

    with translation.override(document.variant or settings.LANGUAGE_CODE):
        html = ncr_html(int(document.subject_id))
    return HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()
