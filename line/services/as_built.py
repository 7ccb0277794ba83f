"""Asking for the as-built PDF: reuse the one already made (or being made) for this version of
the record, otherwise request a render in Celery (`core.documents`). Never renders here."""

from django.db.models import Q

from core.choices import DocumentStatus
from core.documents import request_document
from core.models import RenderedDocument, User
from line.as_built import AsBuiltRecord
from line.models import Unit
from line.printing import KIND, variant_of


def as_built_document(
    *, unit: Unit, record: AsBuiltRecord, requested_by: User | None = None
) -> RenderedDocument | None:
    """The newest ready or pending (not lost) PDF of exactly this record version (of `requested_by` when
    given)."""
    documents = RenderedDocument.objects.filter(
        Q(status=DocumentStatus.READY)
        | Q(status=DocumentStatus.PENDING, requested_at__gte=RenderedDocument.lost_before()),
        kind=KIND,
        subject_id=str(unit.pk),
        variant=variant_of(record),
    )
    if requested_by is not None:
        documents = documents.filter(requested_by=requested_by)
    return documents.order_by("-status", "-id").first()  # "ready" sorts after "pending": ready first


def request_as_built_pdf(
    *, unit: Unit, record: AsBuiltRecord, actor: User, reuse_any: bool
) -> RenderedDocument:
    """The PDF of this record version: the one made or being made (anyone's when `reuse_any`,
    else the actor's own), or a new request rendered by `line.tasks.render_as_built_pdf`."""
    from line import tasks

    existing = as_built_document(unit=unit, record=record, requested_by=None if reuse_any else actor)
    if existing is not None:
        return existing
    return request_document(
        kind=KIND, subject_id=unit.pk, variant=variant_of(record), task=tasks.render_as_built_pdf, actor=actor
    )
