"""PDFs are rendered in a Celery task, never in the request: the screen asks, then polls.

`request_document` creates the `RenderedDocument` row and enqueues the app's render task
once the transaction commits; the task calls `render_document` with the function that
makes the bytes. Nothing here knows what is being printed.
"""

import hashlib
import logging
from collections.abc import Callable
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from core import acts
from core.choices import DocumentStatus
from core.contention import retry_transaction, run_in_transaction
from core.models import RenderedDocument, User

logger = logging.getLogger(__name__)


@retry_transaction
def request_document(
    *, kind: str, subject_id: int | str, variant: str = "", task, actor: User
) -> RenderedDocument:
    """Ask for a PDF of `kind` about `subject_id`; `task` is a Celery task taking the document id."""
    document = RenderedDocument.objects.create(
        kind=kind, subject_id=str(subject_id), variant=variant, requested_by=actor
    )
    acts.record(
        actor=actor,
        action="document.requested",
        subject=document,
        summary="{} {}{}".format(kind, subject_id, " " + variant if variant else ""),
        data={"kind": kind, "subject_id": str(subject_id), "variant": variant},
    )
    transaction.on_commit(partial(_enqueue, task, document))
    return document


def _enqueue(task, document: RenderedDocument) -> None:
    """Hand the committed request to the render queue; a queue that cannot be reached fails the
    document at once, with what to do, instead of leaving a screen polling for a PDF never made."""
    try:
        task.delay(document.pk)
    except (OperationalError, OSError):  # the broker cannot be reached (kombu wraps its transport's errors)
        logger.exception("queueing document %s failed", document.pk)
        document.status = DocumentStatus.FAILED
        document.error = _(
            "The PDF could not be queued. Ask for it again in a minute; if this keeps happening, "
            "the task queue (REDIS_URL) cannot be reached: tell an administrator."
        )
        document.finished_at = timezone.now()
        RenderedDocument.objects.filter(pk=document.pk, status=DocumentStatus.PENDING).update(
            status=document.status, error=document.error, finished_at=document.finished_at
        )


def render_document(*, document_id: int, render: Callable[[RenderedDocument], bytes]) -> RenderedDocument:
    """Make the PDF of a pending document and store it; a document already made is left alone
    (a redelivered task is harmless). A failure is kept on the row for the screen to show."""
    document = RenderedDocument.objects.get(pk=document_id)
    if document.status != DocumentStatus.PENDING:
        return document
    try:
        content = render(document)
    except Exception as error:  # the screen must learn that it failed, whatever the cause
        logger.exception("rendering document %s failed", document_id)
        RenderedDocument.objects.filter(pk=document_id, status=DocumentStatus.PENDING).update(
            status=DocumentStatus.FAILED, error=str(error)[:1000], finished_at=timezone.now()
        )
        document.refresh_from_db()
        return document
    name = "{}-{}{}.pdf".format(
        document.kind, document.subject_id, "-" + document.variant if document.variant else ""
    )

    def store() -> RenderedDocument:
        locked = RenderedDocument.objects.select_for_update(no_key=True).get(pk=document_id)
        if locked.status != DocumentStatus.PENDING:
            return locked
        locked.file.save(name, ContentFile(content), save=False)
        locked.status = DocumentStatus.READY
        locked.source_hash = hashlib.sha256(content).hexdigest()
        locked.finished_at = timezone.now()
        locked.save(update_fields=["file", "status", "source_hash", "finished_at"])
        return locked

    return run_in_transaction(store)


# A kind's download name ("100-200-revC-instructions.pdf"), registered by the app that prints it.
_NAMERS: dict[str, Callable[[RenderedDocument], str]] = {}


def name_downloads(kind: str, namer: Callable[[RenderedDocument], str]) -> None:
    """Say how documents of `kind` are named when downloaded; `namer` returns "" when it cannot tell."""
    _NAMERS[kind] = namer


def download_name(document: RenderedDocument) -> str:
    """The file name a person gets: the kind's own name if it has one, else kind-subject[-variant].pdf."""
    namer = _NAMERS.get(document.kind)
    name = namer(document) if namer is not None else ""
    return name or "{}-{}{}.pdf".format(
        document.kind, document.subject_id, "-" + document.variant if document.variant else ""
    )


def offline_url_fetcher():
    """WeasyPrint's fetcher limited to `data:` URLs, without redirects.

    Printed documents hold untrusted text (release Markdown, NCR descriptions): an image URL
    in it must never make the server fetch anything, on the network or from its own disk.
    """
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
