"""The printable PDF of a revision: made in a Celery task, marked on every page (invariant 1)."""

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from core.choices import DocumentStatus
from core.models import AuditEntry, RenderedDocument
from mes.celery import app as celery_app
from tests.conftest import accept
from tests.instructions.test_screens_revisions import _more_steps
from tests.pdf import pdf_pages


@pytest.fixture
def eager_celery():
    """Run tasks in-process even where REDIS_URL points at a real broker."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def request_pdf(client, revision, capture):
    with capture(execute=True):
        response = client.post(
            reverse("instructions:revision-pdf", args=[revision.pk]), headers={"HX-Request": "true"}
        )
    return response


@pytest.mark.invariant(1)
def test_released_pdf_is_rendered_by_the_task_and_marked_on_every_page(
    engineer_client, release_document, engineer, eager_celery, django_capture_on_commit_callbacks
):
    # given a released revision long enough for several pages
    revision = accept(_more_steps(release_document, "R", 24), engineer).revision
    # when the engineer asks for its PDF
    response = request_pdf(engineer_client, revision, django_capture_on_commit_callbacks)
    # then the answer is the polling status region, and the task made the document
    assert response.status_code == 202
    document = RenderedDocument.objects.get()
    assert 'id="document-status"' in response.text
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert AuditEntry.objects.filter(action="document.requested", subject_id=str(document.pk)).count() == 1
    pages = pdf_pages(document.file.path)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "RELEASED · 100-200 rev R · release ECO-9R" in page
        assert "Page {} of {}".format(number, len(pages)) in page
        assert "PREVIEW" not in page
    assert "Extra check 23" in "".join(pages)
    # and the status region now offers the download
    status = engineer_client.get(
        reverse("document-status", args=[document.pk]), headers={"HX-Request": "true"}
    )
    assert reverse("document-download", args=[document.pk]) in status.text
    download = engineer_client.get(reverse("document-download", args=[document.pk]))
    assert download["Content-Type"] == "application/pdf"


@pytest.mark.invariant(1)
def test_draft_pdf_is_marked_preview_on_every_page(
    engineer_client, release_document, engineer, eager_celery, django_capture_on_commit_callbacks
):
    draft = accept(_more_steps(release_document, "D", 24), engineer, draft=True).revision
    request_pdf(engineer_client, draft, django_capture_on_commit_callbacks)
    document = RenderedDocument.objects.get()
    pages = pdf_pages(document.file.path)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "PREVIEW — NOT RELEASED, DO NOT BUILD · 100-200 rev D · release ECO-9D" in page
        assert "Page {} of {}".format(number, len(pages)) in page


def test_superseded_pdf_is_marked_superseded(
    engineer_client, released_c, eager_celery, django_capture_on_commit_callbacks
):
    request_pdf(engineer_client, released_c.supersedes, django_capture_on_commit_callbacks)
    pages = pdf_pages(RenderedDocument.objects.get().file.path)
    assert pages and all("SUPERSEDED · 100-200 rev B · release ECO-0987" in page for page in pages)


def test_the_request_does_not_render(engineer_client, released_b, django_capture_on_commit_callbacks):
    # given the task is queued but the transaction has not committed (nothing runs)
    response = engineer_client.post(
        reverse("instructions:revision-pdf", args=[released_b.pk]), headers={"HX-Request": "true"}
    )
    # then the document waits, and the region polls for it
    document = RenderedDocument.objects.get()
    assert document.status == DocumentStatus.PENDING
    assert 'hx-trigger="every 2s"' in response.text
    assert document.requested_by.username == "erik"


def test_a_plain_post_is_sent_to_the_status_page(engineer_client, released_b):
    response = engineer_client.post(reverse("instructions:revision-pdf", args=[released_b.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("document-status", args=[RenderedDocument.objects.get().pk])


def test_pdf_of_an_unknown_revision_is_not_found_and_nothing_is_queued(engineer_client, db):
    assert engineer_client.post(reverse("instructions:revision-pdf", args=[999])).status_code == 404
    assert RenderedDocument.objects.count() == 0


def test_operators_cannot_request_the_pdf(operator_client, released_b):
    assert operator_client.post(reverse("instructions:revision-pdf", args=[released_b.pk])).status_code == 403
    assert RenderedDocument.objects.count() == 0


def test_a_render_that_fails_is_reported_on_the_document(released_b, engineer, monkeypatch):
    from core import documents
    from instructions import printing, tasks

    document = RenderedDocument.objects.create(kind=printing.KIND, subject_id="424242", requested_by=engineer)
    tasks.render_revision_pdf.run(document.pk)  # the revision does not exist
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "Revision 424242 does not exist." in document.error
    # and a redelivered task leaves the finished document alone
    documents.render_document(document_id=document.pk, render=lambda _d: b"%PDF-never")
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED


def test_look_at_a_page(released_c, engineer, eager_celery, django_capture_on_commit_callbacks, tmp_path):
    """Renders page 1 as a PNG (pdftoppm) so a person can look at it; with THREADLINE_SCREENSHOTS=1
    it is kept as docs/screenshots/revision-pdf.png."""
    import shutil

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed: apt-get install poppler-utils (as .ci/run does)")
    from core import documents
    from instructions import tasks

    with django_capture_on_commit_callbacks(execute=True):
        document = documents.request_document(
            kind="revision-instructions",
            subject_id=released_c.pk,
            task=tasks.render_revision_pdf,
            actor=engineer,
        )
    document.refresh_from_db()
    out = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", document.file.path, str(out)], check=True
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("THREADLINE_SCREENSHOTS") != "1":
        return
    target = Path(settings.BASE_DIR) / "docs" / "screenshots" / "revision-pdf.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(png.read_bytes())


@pytest.mark.redis
@pytest.mark.invariant(1)
def test_pdf_is_rendered_by_a_real_worker_through_redis(transactional_db, release_document, engineer_client):
    """The same request, with tasks sent through Redis to a Celery worker (not eager)."""
    from celery.contrib.testing.worker import start_worker

    from instructions.models import Revision

    release_document.pop("supersedes")
    accept(
        release_document,
        RenderedDocument._meta.get_field("requested_by").related_model.objects.get(username="erik"),
    )
    revision = Revision.objects.get()
    queue = "threadline-test-{}".format(uuid.uuid4().hex[:8])
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, broker_url=settings.REDIS_URL, task_default_queue=queue)
    try:
        with start_worker(
            celery_app, queues=[queue], perform_ping_check=False, pool="solo", shutdown_timeout=30
        ):
            response = engineer_client.post(
                reverse("instructions:revision-pdf", args=[revision.pk]), headers={"HX-Request": "true"}
            )
            assert response.status_code == 202
            document = RenderedDocument.objects.get()
            import time

            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                document.refresh_from_db()
                if document.status != DocumentStatus.PENDING:
                    break
                time.sleep(0.2)
    finally:
        celery_app.conf.update(saved)
    assert document.status == DocumentStatus.READY, document.error
    pages = pdf_pages(document.file.path)
    assert pages and all("RELEASED · 100-200 rev C · release ECO-1042" in page for page in pages)
