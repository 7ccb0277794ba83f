"""Generated: a NUL byte in any path parameter or query parameter of any URL is refused with 400
(the API's JSON error body under /api/, a plain page on screens), never a 500: PostgreSQL cannot
hold a NUL in text, so it must not reach a lookup."""

import re

import pytest

from tests.conftest import client_for
from tests.security.test_every_url_every_role import ROUTES, SAMPLE

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _with_nul_in(route: str, index: int) -> str:
    """The route made concrete with samples, the `index`-th parameter carrying a NUL byte."""
    counter = iter(range(1_000))

    def sample(match):
        value = SAMPLE.get(match.group(1) or "str", "x")
        return value + "%00" if next(counter) == index else value

    return "/" + PARAMETER.sub(sample, route).lstrip("^").rstrip("$")


def _addresses(route: str):
    count = len(PARAMETER.findall(route))
    for index in range(count):
        yield _with_nul_in(route, index)
    yield _with_nul_in(route, -1) + "?status=%00&q=a%00b"


def _assert_refused(response, route, url, method):
    assert response.status_code == 400, (method, url, response.status_code)
    if route.startswith("api/"):
        body = response.json()
        assert body["errors"][0]["code"] == "nul_byte", body
    else:
        assert b"NUL byte" in response.content
        assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("route", [route for route, _ in ROUTES], ids=[route or "/" for route, _ in ROUTES])
def test_a_nul_byte_in_any_parameter_of_any_route_is_refused_with_400(route, admin_user):
    client = client_for(admin_user)
    client.raise_request_exception = False
    for url in _addresses(route):
        _assert_refused(client.get(url), route, url, "GET")
        _assert_refused(client.post(url, {"note": "fine"}), route, url, "POST")


@pytest.mark.django_db
def test_a_nul_byte_in_a_form_field_is_refused_with_400(admin_user):
    client = client_for(admin_user)
    response = client.post("/api/v1/releases", {"release_id": "R-1\x00"})
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "nul_byte",
        "message": "The field 'release_id' holds a NUL byte (%00): enter it without one.",
        "path": "/release_id",
    }


@pytest.mark.django_db
def test_a_screen_shows_a_styled_page_and_the_api_names_the_parameter(admin_user):
    client = client_for(admin_user)
    page = client.get("/line/units/PC%00-1/")
    assert page.status_code == 400
    assert b'id="bad-request"' in page.content
    api = client.get("/api/v1/units?status=%00")
    assert api.status_code == 400
    assert api.json()["errors"][0]["path"] == "/status"
