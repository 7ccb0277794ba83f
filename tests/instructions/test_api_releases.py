"""POST /api/v1/releases, GET /api/v1/revisions, GET /api/v1/revisions/{id} (API.md)."""

import json

import pytest
from rest_framework.test import APIClient

from core.choices import Role
from core.models import IdempotencyKey
from instructions.models import Revision
from tests.conftest import api_client_for
from tests.instructions.test_intake_bundles import bundle, png_bytes
from tests.instructions.test_intake_malformed import snapshot

URL = "/api/v1/releases"


def post(client, document_or_bytes, content_type="application/json", **headers):
    body = (
        document_or_bytes if isinstance(document_or_bytes, bytes) else json.dumps(document_or_bytes).encode()
    )
    return client.generic("POST", URL, body, content_type=content_type, **headers)


@pytest.mark.invariant(9)
def test_a_release_is_stored_and_answered_with_the_revision(api, release_b_document):
    response = post(api, release_b_document)

    assert response.status_code == 201
    body = response.json()
    revision = Revision.objects.get()
    assert {
        key: body[key] for key in ("id", "part_number", "revision", "status", "release_id", "effectivity")
    } == {
        "id": revision.pk,
        "part_number": "100-200",
        "revision": "B",
        "status": "released",
        "release_id": "ECO-0987",
        "effectivity": {
            "serial_from": "PC-00001",
            "serial_to": None,
            "date_from": "2026-06-16",
            "date_to": None,
        },
    }
    operation = body["operations"][0]
    assert {key: operation[key] for key in ("sequence", "code", "title", "work_center")} == {
        "sequence": 10,
        "code": "OP10",
        "title": "Mount PCB",
        "work_center": "ASSY-1",
    }
    steps = operation["steps"]
    assert [(step["sequence"], step["title"]) for step in steps] == [
        (10, "Place PCB in housing"),
        (20, "Fasten PCB"),
    ]
    assert all(isinstance(step["id"], int) and step["instruction"] for step in steps)
    assert [(m["part_number"], m["quantity"]) for m in steps[1]["materials"]] == [
        ("300-550", 4),
        ("300-900", 0.2),
    ]
    assert [
        {key: c[key] for key in ("code", "kind", "nominal", "lower", "upper", "unit")}
        for c in steps[1]["characteristics"]
    ] == [{"code": "TQ1", "kind": "variable", "nominal": 0.6, "lower": 0.5, "upper": 0.7, "unit": "N.m"}]


@pytest.mark.invariant(9)
def test_an_identical_resend_answers_200_with_the_same_body(api, release_b_document):
    first = post(api, release_b_document)
    before = snapshot()
    again = post(api, release_b_document)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert snapshot() == before


@pytest.mark.invariant(9)
def test_different_content_under_a_stored_revision_is_409(api, release_b_document):
    post(api, release_b_document)
    release_b_document["operations"][0]["steps"][0]["title"] = "Place the PCB"
    before = snapshot()
    response = post(api, release_b_document)
    assert response.status_code == 409
    assert [(e["code"], e["path"]) for e in response.json()["errors"]] == [("revision_exists", "/revision")]
    assert snapshot() == before


def test_a_release_id_of_only_spaces_is_refused_with_422_at_its_pointer(api, release_b_document):
    release_b_document["release_id"] = "    "
    before = snapshot()
    response = post(api, release_b_document)
    assert response.status_code == 422
    assert response.json() == {
        "errors": [
            {
                "code": "empty",
                "path": "/release_id",
                "message": "Holds only spaces. Fill it in: 'release_id' names this release to people and "
                "systems.",
            }
        ]
    }
    assert snapshot() == before


def test_every_problem_is_listed_with_422(api, release_b_document):
    release_b_document["parts"][0]["gtin"] = "09506000134353"
    release_b_document["operations"][0]["steps"][0]["materials"][0]["quantity"] = 3
    before = snapshot()
    response = post(api, release_b_document)
    assert response.status_code == 422
    assert response.json() == {
        "errors": [
            {
                "code": "invalid_gtin",
                "path": "/parts/0/gtin",
                "message": "GTIN 09506000134353 has a wrong check digit. Copy it again from the part master.",
            },
            {
                "code": "serial_quantity",
                "path": "/operations/0/steps/0/materials/0/quantity",
                "message": "Part 200-010 is tracked by serial: its quantity must be 1 (list it again for "
                "several).",
            },
        ]
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        pytest.param(b'{"schema": ', "application/json", 400, "invalid_json", id="broken_json"),
        pytest.param(
            '{"a": "\xe9"}'.encode("latin-1"), "application/json", 400, "invalid_encoding", id="not_utf8"
        ),
        pytest.param(b'{"a": 1, "a": 2}', "application/json", 400, "invalid_json", id="duplicate_keys"),
        pytest.param(b"PK\x03\x04broken", "application/zip", 400, "invalid_zip", id="broken_zip"),
        pytest.param(b"hello", "text/plain", 415, "unsupported_media_type", id="text_plain"),
        pytest.param(
            b"--x\r\n", "multipart/form-data; boundary=x", 415, "unsupported_media_type", id="multipart"
        ),
    ],
)
def test_unreadable_bodies_get_a_clear_json_error(api, body, content_type, status, code):
    before = snapshot()
    response = post(api, body, content_type)
    assert response.status_code == status
    assert [e["code"] for e in response.json()["errors"]] == [code]
    assert response.json()["errors"][0]["message"]
    assert snapshot() == before


def test_a_form_upload_with_an_idempotency_key_is_refused_not_crashed(api):
    before = snapshot()
    response = api.post(URL, {"file": "x", "idempotency_key": "k-1"}, format="multipart")
    assert response.status_code == 415
    assert [e["code"] for e in response.json()["errors"]] == ["unsupported_media_type"]
    assert snapshot() == {**before, "IdempotencyKey": 1}  # the refusal is the answer a retry gets


def test_a_zip_bundle_without_release_json_is_400(api):
    response = post(api, bundle(None, {"media/a.png": png_bytes()}), "application/zip")
    assert (response.status_code, [e["code"] for e in response.json()["errors"]]) == (
        400,
        ["missing_release_json"],
    )


def test_a_50_mb_document_is_refused_with_413_before_it_is_read(api, release_b_document):
    release_b_document["x-pad"] = "a" * (50 * 1000 * 1000)
    body = json.dumps(release_b_document).encode()
    assert len(body) > 50 * 1000 * 1000
    before = snapshot()
    response = post(api, body)
    assert response.status_code == 413
    assert [e["code"] for e in response.json()["errors"]] == ["too_large"]
    assert "RELEASE_MAX_BYTES" in response.json()["errors"][0]["message"]
    assert snapshot() == before


def test_a_50_mb_document_with_an_idempotency_key_is_413_too(api):
    body = b'{"x-pad": "' + b"a" * (50 * 1000 * 1000) + b'"}'
    response = post(api, body, HTTP_IDEMPOTENCY_KEY="big-1")
    assert (response.status_code, [e["code"] for e in response.json()["errors"]]) == (413, ["too_large"])
    assert IdempotencyKey.objects.count() == 0


def test_without_a_token_the_answer_is_401(db, release_b_document):
    response = post(APIClient(), release_b_document)
    assert response.status_code == 401
    assert [e["code"] for e in response.json()["errors"]] == ["not_authenticated"]
    assert Revision.objects.count() == 0


def test_with_an_unknown_token_the_answer_is_401(db, release_b_document):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token tl_not-a-real-key")
    response = post(client, release_b_document)
    assert (response.status_code, [e["code"] for e in response.json()["errors"]]) == (
        401,
        ["authentication_failed"],
    )


def test_an_operator_token_may_not_import_a_release(db, release_b_document):
    client = api_client_for(Role.OPERATOR, "line-agent")
    before = snapshot()
    response = post(client, release_b_document)
    assert response.status_code == 403
    assert [e["code"] for e in response.json()["errors"]] == ["permission_denied"]
    assert snapshot() == before


def test_revisions_of_a_product_with_status_and_effectivity(api, released_c, released_b):
    response = api.get("/api/v1/revisions", {"part_number": "100-200"})
    assert response.status_code == 200
    assert [
        (r["id"], r["revision"], r["status"], r["effectivity"]["serial_from"])
        for r in response.json()["revisions"]
    ] == [
        (released_b.pk, "B", "superseded", "PC-00001"),
        (released_c.pk, "C", "released", "PC-01000"),
    ]


def test_revisions_of_an_unknown_product_is_an_empty_list(api):
    response = api.get("/api/v1/revisions", {"part_number": "999-999"})
    assert (response.status_code, response.json()["revisions"]) == (200, [])


def test_revisions_without_part_number_is_400(api):
    response = api.get("/api/v1/revisions")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "missing_parameter"
    assert response.json()["errors"][0]["path"] == "part_number"


def test_one_revision_in_full(api, released_b, django_assert_num_queries):
    with django_assert_num_queries(8):
        response = api.get("/api/v1/revisions/{}".format(released_b.pk))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["revision"], len(body["operations"][0]["steps"])) == (released_b.pk, "B", 2)


def test_an_unknown_revision_is_404(api):
    response = api.get("/api/v1/revisions/999999")
    assert response.status_code == 404
    assert [e["code"] for e in response.json()["errors"]] == ["unknown_revision"]


def test_the_release_schema_is_served(api):
    response = api.get("/api/v1/releases/schema")
    assert response.status_code == 200
    assert response.json()["title"] == "threadline.mbom-release/1"


@pytest.mark.invariant(8)
def test_the_same_idempotency_key_and_body_replays_the_first_answer(api, release_b_document):
    first = post(api, release_b_document, HTTP_IDEMPOTENCY_KEY="rel-1")
    before = snapshot()
    again = post(api, release_b_document, HTTP_IDEMPOTENCY_KEY="rel-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert snapshot() == before


@pytest.mark.invariant(8)
def test_the_same_idempotency_key_with_another_body_is_409(api, release_b_document):
    post(api, release_b_document, HTTP_IDEMPOTENCY_KEY="rel-1")
    release_b_document["revision"] = "B2"
    before = snapshot()
    response = post(api, release_b_document, HTTP_IDEMPOTENCY_KEY="rel-1")
    assert response.status_code == 409
    assert [e["code"] for e in response.json()["errors"]] == ["idempotency_key_reused"]
    assert snapshot() == before


@pytest.mark.invariant(8)
def test_a_refusal_is_replayed_too(api, release_b_document):
    release_b_document["parts"][0]["gtin"] = "09506000134353"
    first = post(api, release_b_document, HTTP_IDEMPOTENCY_KEY="rel-2")
    again = post(api, release_b_document, HTTP_IDEMPOTENCY_KEY="rel-2")
    assert (first.status_code, again.status_code, again.json()) == (422, 422, first.json())
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.invariant(1)
def test_a_draft_is_not_visible_to_an_identity_that_may_not_preview(release_b_document, engineer, api):
    from tests.conftest import accept

    draft = accept(release_b_document, engineer, draft=True).revision
    assert api.get("/api/v1/revisions/{}".format(draft.pk)).status_code == 404
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(engineer)
    assert client.get("/api/v1/revisions/{}".format(draft.pk)).json()["status"] == "draft"
