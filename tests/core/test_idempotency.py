"""Idempotency-Key for tablet forms (the `idempotency_key` field or the header): a retried
submission never records twice (invariant 8). The view below stands in for any form screen."""

import json

import pytest
from django.http import HttpResponse
from django.urls import path

from core import audit
from core.models import AuditEntry, IdempotencyKey
from tests.conftest import client_for


def record_note(request):
    entry = audit.record(
        actor=request.user, action="test.note", subject=("test", "1"), summary=request.POST.get("note", "")
    )
    response = HttpResponse("recorded {}".format(entry.pk), status=201)
    response["HX-Trigger"] = "note-recorded"
    return response


urlpatterns = [path("notes", record_note)]

pytestmark = pytest.mark.urls(__name__)


def notes() -> list[str]:
    return list(AuditEntry.objects.filter(action="test.note").values_list("summary", flat=True))


@pytest.mark.invariant(8)
def test_a_form_resent_with_the_same_key_replays_the_first_answer(operator):
    client = client_for(operator)
    first = client.post("/notes", {"note": "torque ok", "idempotency_key": "tap-1"})
    again = client.post("/notes", {"note": "torque ok", "idempotency_key": "tap-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again["HX-Trigger"] == "note-recorded"
    assert again["Idempotent-Replayed"] == "true"
    assert notes() == ["torque ok"]
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.invariant(8)
def test_a_form_with_the_same_key_and_other_fields_is_409(operator):
    client = client_for(operator)
    client.post("/notes", {"note": "torque ok", "idempotency_key": "tap-1"})
    response = client.post("/notes", {"note": "torque NOT ok", "idempotency_key": "tap-1"})
    assert response.status_code == 409
    assert [e["code"] for e in response.json()["errors"]] == ["idempotency_key_reused"]
    assert notes() == ["torque ok"]
    assert "HX-Refresh" not in response  # an API client gets the error only


def test_a_screen_that_reuses_a_key_is_told_to_reload_not_handed_json(operator):
    client = client_for(operator)
    client.post("/notes", {"note": "torque ok", "idempotency_key": "tap-1"}, headers={"HX-Request": "true"})
    response = client.post(
        "/notes", {"note": "torque NOT ok", "idempotency_key": "tap-1"}, headers={"HX-Request": "true"}
    )
    assert (response.status_code, response["HX-Refresh"]) == (409, "true")
    assert notes() == ["torque ok"]


@pytest.mark.invariant(8)
def test_a_rotated_csrf_token_is_not_part_of_the_request(operator):
    client = client_for(operator)
    client.post("/notes", {"note": "a", "idempotency_key": "tap-2", "csrfmiddlewaretoken": "one"})
    again = client.post("/notes", {"note": "a", "idempotency_key": "tap-2", "csrfmiddlewaretoken": "two"})
    assert again.status_code == 201
    assert notes() == ["a"]


@pytest.mark.invariant(8)
def test_the_header_works_for_forms_too(operator):
    client = client_for(operator)
    client.post("/notes", {"note": "b"}, HTTP_IDEMPOTENCY_KEY="tap-3")
    client.post("/notes", {"note": "b"}, HTTP_IDEMPOTENCY_KEY="tap-3")
    assert notes() == ["b"]


def test_keys_belong_to_one_identity(operator, inspector):
    client_for(operator).post("/notes", {"note": "c", "idempotency_key": "tap-4"})
    client_for(inspector).post("/notes", {"note": "c", "idempotency_key": "tap-4"})
    assert notes() == ["c", "c"]


def test_without_a_key_each_post_records(operator):
    client = client_for(operator)
    client.post("/notes", {"note": "d"})
    client.post("/notes", {"note": "d"})
    assert notes() == ["d", "d"]


def test_an_overlong_key_is_refused(operator):
    response = client_for(operator).post("/notes", {"note": "e", "idempotency_key": "k" * 256})
    assert response.status_code == 400
    assert [e["code"] for e in response.json()["errors"]] == ["invalid_idempotency_key"]
    assert notes() == []


MALFORMED_MULTIPART = {
    "no boundary": "multipart/form-data",
    "empty boundary": "multipart/form-data; boundary=",
}


@pytest.mark.parametrize("content_type", MALFORMED_MULTIPART.values(), ids=MALFORMED_MULTIPART.keys())
@pytest.mark.parametrize("keyed", [True, False], ids=["header key", "no header key"])
def test_a_multipart_body_without_a_boundary_answers_400_with_the_json_error_body(
    operator, content_type, keyed
):
    client = client_for(operator)
    client.raise_request_exception = False
    headers = {"HTTP_IDEMPOTENCY_KEY": "tap-9"} if keyed else {}
    response = client.generic("POST", "/notes", b"--x\r\n\r\nnote\r\n--x--\r\n", content_type, **headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "malformed_body"
    assert notes() == []
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("keyed", [True, False], ids=["header key", "form field key"])
def test_the_idempotency_middleware_itself_refuses_an_unreadable_multipart_body(operator, rf, keyed):
    """Whatever middleware runs before it, the idempotency middleware reads the body to find and
    hash the key: an unreadable body is a 400 with the JSON error body, not an exception."""
    from core.middleware import IdempotencyMiddleware

    headers = {"HTTP_IDEMPOTENCY_KEY": "tap-9"} if keyed else {}
    request = rf.generic("POST", "/notes", b"--x\r\n\r\nnote\r\n--x--\r\n", "multipart/form-data", **headers)
    request.user = operator
    response = IdempotencyMiddleware(record_note)(request)
    assert response.status_code == 400
    assert json.loads(response.content)["errors"][0]["code"] == "malformed_body"
    assert notes() == []
