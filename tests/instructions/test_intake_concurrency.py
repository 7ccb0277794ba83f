"""Two imports of one product revision at the same moment (PostgreSQL, real transactions)."""

import json
import threading

import pytest
from django.db import connection

from core.errors import DomainError
from core.models import AuditEntry, OutboxEvent
from instructions.models import Revision, Step
from instructions.services.releases import accept_release


def import_together(payloads: list[bytes], actor) -> list:
    """Start every import at once; each answer is an AcceptedRelease or the DomainError raised."""
    barrier = threading.Barrier(len(payloads))
    answers: list = [None] * len(payloads)

    def run(index: int, payload: bytes) -> None:
        try:
            barrier.wait()
            answers[index] = accept_release(payload=payload, content_type="application/json", actor=actor)
        except DomainError as error:
            answers[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, payload)) for index, payload in enumerate(payloads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


@pytest.mark.postgres
@pytest.mark.invariant(9)
@pytest.mark.django_db(transaction=True)
def test_two_identical_imports_at_once_store_one_revision(release_b_document, engineer):
    payload = json.dumps(release_b_document).encode()
    answers = import_together([payload, payload], engineer)
    assert sorted(answer.created for answer in answers) == [False, True]
    assert answers[0].revision.pk == answers[1].revision.pk
    assert Revision.objects.count() == 1
    assert Step.objects.count() == 2
    assert OutboxEvent.objects.filter(type="revision.accepted").count() == 1
    assert AuditEntry.objects.filter(action="revision.accepted").count() == 1


@pytest.mark.postgres
@pytest.mark.invariant(9)
@pytest.mark.django_db(transaction=True)
def test_two_different_contents_under_one_revision_at_once_store_one_and_refuse_the_other(
    release_b_document, engineer
):
    first = json.dumps(release_b_document).encode()
    release_b_document["operations"][0]["title"] = "Mount the PCB"
    second = json.dumps(release_b_document).encode()
    answers = import_together([first, second], engineer)
    stored = [answer for answer in answers if not isinstance(answer, DomainError)]
    refused = [answer for answer in answers if isinstance(answer, DomainError)]
    assert [answer.created for answer in stored] == [True]
    assert [(error.code, error.status, error.path) for error in refused] == [
        ("revision_exists", 409, "/revision")
    ]
    revision = Revision.objects.get()
    assert revision.pk == stored[0].revision.pk
    assert OutboxEvent.objects.filter(type="revision.accepted").count() == 1
