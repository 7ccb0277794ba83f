"""Celery tasks of the instructions app: ids in, one service call."""

from celery import shared_task

from core.documents import render_document
from instructions.printing import revision_pdf


# Named explicitly: the name is the queue contract, kept when modules move.
@shared_task(name="instructions.tasks.render_revision_pdf", acks_late=True)
def render_revision_pdf(document_id: int) -> None:
    render_document(document_id=document_id, render=revision_pdf)
