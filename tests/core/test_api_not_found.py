"""Under /api/v1/ every 404 and 405 is the API's JSON error body, with DEBUG on or off."""

import pytest

from core.choices import Role
from tests.conftest import api_client_for, client_for, make_person


def assert_error_body(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["errors"] and len(body["errors"]) == 1
    error = body["errors"][0]
    assert set(error) == {"code", "message", "path"}
    assert error["code"] == code and error["message"]
    return error


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/units/SN-1/nothing", "/api/v2/releases"])
def test_an_unknown_api_address_answers_404_in_json(db, settings, debug, path):
    settings.DEBUG = debug  # `make run` serves with DEBUG on: Django's own 404 page then
    client = api_client_for(Role.INTEGRATION, "plm")
    error = assert_error_body(client.get(path), 404, "not_found")
    assert "/api/v1/docs/" in error["message"]


@pytest.mark.parametrize("debug", [True, False])
def test_a_person_signed_in_gets_json_too(db, settings, debug):
    settings.DEBUG = debug
    client = client_for(make_person("ada", Role.ADMIN))
    assert_error_body(client.get("/api/v1/nothing-here/"), 404, "not_found")


def test_a_method_a_known_api_address_does_not_offer_is_405_not_a_refused_role(db):
    # DELETE on /releases was answered "role does not allow this action" (403) before
    client = api_client_for(Role.INTEGRATION, "plm")
    response = client.delete("/api/v1/releases")
    error = assert_error_body(response, 405, "method_not_allowed")
    assert error["message"] == "DELETE is not offered at this address; use POST."
    assert "POST" in response["Allow"] and "DELETE" not in response["Allow"]


def test_a_405_from_a_plain_view_under_the_api_is_json(db):
    client = client_for(make_person("ada", Role.ADMIN))
    response = client.post("/api/v1/releases/schema")  # a plain Django view, GET only
    error = assert_error_body(response, 405, "method_not_allowed")
    assert error["message"] == "POST is not offered at this address; use GET."
    assert response["Allow"] == "GET"


def test_the_schema_endpoint_answers_its_405_in_json(db):
    client = client_for(make_person("ada", Role.ADMIN))
    assert_error_body(client.post("/api/v1/schema/"), 405, "method_not_allowed")
