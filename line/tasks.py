"""Celery tasks of the line: ids in, one call, idempotent (a redelivered task leaves a made PDF alone)."""

from celery import shared_task

from core.documents import render_document
from line.printing import as_built_pdf


# Named explicitly: the name is the queue contract, kept when modules move.
@shared_task(name="line.tasks.render_as_built_pdf", acks_late=True)
def render_as_built_pdf(document_id: int) -> None:
    render_document(document_id=document_id, render=as_built_pdf)


@shared_task(name="mes.expire_lots", ignore_result=True)
def expire_lots() -> int:
    """Mark lots past their expiry date as expired (the scan refuses them anyway; this keeps lists true)."""
    from line.services.lots import expire_lots as expire

    return len(expire())
