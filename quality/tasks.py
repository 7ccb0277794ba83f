"""Celery tasks of quality: ids in, one call, idempotent (a redelivered task leaves a made PDF alone)."""

from celery import shared_task

from mes.core.documents import render_document
from quality.printing import ncr_pdf


@shared_task(acks_late=True)
def render_ncr_pdf(document_id: int) -> None:
    render_document(document_id=document_id, render=ncr_pdf)
