"""Celery tasks of quality: ids in, one call, idempotent (a redelivered task leaves a made PDF alone)."""

from celery import shared_task

from core.documents import render_document
from quality.printing import ncr_pdf


# Named explicitly: the name is the queue contract, kept when modules move.
@shared_task(name="quality.tasks.render_ncr_pdf", acks_late=True)
def render_ncr_pdf(document_id: int) -> None:
    render_document(document_id=document_id, render=ncr_pdf)
