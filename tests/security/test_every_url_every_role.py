"""Generated: every URL of the project, for every role, GET and POST.

Each view must carry an explicit permission (`@requires`, `@api_endpoint` or `public`);
an identity without it is refused (403, or 401/redirect when anonymous) before the view
looks anything up; an identity with it is never refused by the permission layer and
never gets a 500.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from core.choices import Role
from core.identities import create_api_token
from tests.conftest import make_person

SAMPLE = {
    "int": "987654",
    "str": "ZZZ-unknown",
    "slug": "zzz-unknown",
    "path": "zzz/unknown",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin" or str(entry.pattern).startswith("admin/"):
                continue  # Django's admin has its own staff-only authentication
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _concrete(route: str) -> str:
    route = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
    route = route.lstrip("^").rstrip("$")
    return "/" + route


def _required(callback, method: str):
    marks = getattr(callback, "required_permissions", None)
    if isinstance(marks, dict):
        if method not in marks:
            return None  # method not offered
        return tuple(marks[method])
    return marks


ROUTES = sorted(
    {(route, callback) for route, callback in _walk(get_resolver().url_patterns)}, key=lambda item: item[0]
)
ROLES = [Role.OPERATOR, Role.INSPECTOR, Role.ENGINEER, Role.INTEGRATION, Role.ADMIN]


def test_every_view_names_its_permission():
    unmarked = [route for route, callback in ROUTES if not hasattr(callback, "required_permissions")]
    assert unmarked == []


def test_the_walk_covers_the_project():
    # the generated walk must really see the app's URLs, or every other test here proves nothing
    routes = {route for route, _callback in ROUTES}
    assert {"api/v1/releases", "login/", "instructions/"} <= routes


@pytest.fixture
def identities(db):
    people = {}
    for role in ROLES:
        if role == Role.INTEGRATION:
            token, key = create_api_token(name="walker-" + role, role=role, actor=None)
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION="Token " + key)
            people[role] = (token.identity, client)
        else:
            user = make_person("walker-" + role, role)
            client = Client()
            client.force_login(user)
            people[role] = (user, client)
    return people


@pytest.mark.parametrize("route,callback", ROUTES, ids=[route or "/" for route, _ in ROUTES])
def test_every_role_gets_exactly_what_its_permissions_allow(route, callback, identities):
    url = _concrete(route)
    is_api = route.startswith("api/")
    for method in ("GET", "POST"):
        required = _required(callback, method)
        if getattr(callback, "is_public", False):
            continue
        # anonymous: refused before anything is looked up
        anonymous = Client().generic(method, url)
        if required is not None:
            assert anonymous.status_code in ((401,) if is_api else (302, 401)), (
                method,
                url,
                anonymous.status_code,
            )
            if anonymous.status_code == 302:
                assert "/login/" in anonymous["Location"]
        for role, (user, client) in identities.items():
            response = client.generic(method, url, data=b"{}", content_type="application/json")
            assert response.status_code != 500, (role, method, url)
            if required is None:
                assert response.status_code in (401, 403, 405), (role, method, url, response.status_code)
            elif user.has_perms(required):
                assert response.status_code not in (401, 403), (role, method, url, response.status_code)
            else:
                assert response.status_code in (403, 405), (role, method, url, response.status_code)
