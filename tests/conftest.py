"""Personas, clients and the release fixtures every test module shares.

Personas (Healthchecks' alice/bob idea): operator, inspector, engineer, agent (an
integration identity with an API token), admin, and outsider (an operator with no
station). Build graphs with these fixtures, never by primary key.
"""

import copy
import json
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient

from core import append_only
from core.choices import Role
from core.identities import create_api_token, create_person

DATA = Path(__file__).resolve().parent / "data"
PASSWORD = "correct-horse-battery-9"


def pytest_configure(config):
    config.addinivalue_line("markers", "invariant(n): the test guards invariant n of DOMAIN.md")


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (as .ci/run does)"
    )
    skip_redis = pytest.mark.skip(
        reason="needs Redis and a Celery worker: run with REDIS_URL=redis://... (as .ci/run does)"
    )
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: badge PIN counts and lockouts, relay flags."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fresh_revision_content_cache():
    """Released content is cached per process by id; a rolled-back test lets SQLite reuse those ids."""
    from instructions import content

    content.clear()
    yield
    content.clear()


@pytest.fixture(autouse=True)
def _append_only_triggers_survive_flush(request):
    """SQLite flushes transactional tests with DELETE, which the append-only trigger refuses;
    PostgreSQL uses TRUNCATE. Drop the SQLite trigger just before the flush, restore it after."""
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        transactional = True
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    from line.models.append_only import APPEND_ONLY_TABLES as LINE_HISTORY_TABLES
    from quality.models import APPEND_ONLY_TABLES as QUALITY_HISTORY_TABLES

    LINE_HISTORY_TABLES = [*LINE_HISTORY_TABLES, *QUALITY_HISTORY_TABLES]

    append_only.install(connection)
    append_only.install(connection, LINE_HISTORY_TABLES)
    yield
    if connection.vendor == "sqlite":
        append_only.drop(connection)
        append_only.drop(connection, LINE_HISTORY_TABLES)


def make_person(username: str, role: str, **extra):
    return create_person(
        username=username,
        role=role,
        password=PASSWORD,
        actor=None,
        full_name=extra.pop("full_name", ""),
        **extra,
    )


@pytest.fixture
def operator(db):
    return make_person("olga", Role.OPERATOR, full_name="Olga Operator", badge_code="B-1001")


@pytest.fixture
def inspector(db):
    return make_person("ines", Role.INSPECTOR, full_name="Ines Inspector", badge_code="B-2001")


@pytest.fixture
def engineer(db):
    return make_person("erik", Role.ENGINEER, full_name="Erik Engineer")


@pytest.fixture
def admin_user(db):
    return make_person("ada", Role.ADMIN, full_name="Ada Admin")


@pytest.fixture
def outsider(db):
    return make_person("otto", Role.OPERATOR, full_name="Otto Outsider", badge_code="B-9009")


@pytest.fixture
def agent_token(db):
    token, key = create_api_token(name="plm-adapter", role=Role.INTEGRATION, actor=None)
    return token, key


@pytest.fixture
def agent(agent_token):
    return agent_token[0].identity


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def engineer_client(engineer):
    return client_for(engineer)


@pytest.fixture
def operator_client(operator):
    return client_for(operator)


@pytest.fixture
def inspector_client(inspector):
    return client_for(inspector)


@pytest.fixture
def api(agent_token):
    """An API client authenticated as the PLM integration identity."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + agent_token[1])
    return client


def api_client_for(role: str, name: str):
    token, key = create_api_token(name=name, role=role, actor=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + key)
    return client


@pytest.fixture
def release_document():
    """A fresh copy of the example release (100-200 rev C) from RELEASE_FORMAT.md, without media."""
    return copy.deepcopy(json.loads((DATA / "release-100-200-C.json").read_text()))


@pytest.fixture
def release_b_document():
    return copy.deepcopy(json.loads((DATA / "release-100-200-B.json").read_text()))


def accept(document: dict, actor, *, draft: bool = False):
    from instructions.services.releases import accept_release

    return accept_release(
        payload=json.dumps(document).encode(), content_type="application/json", actor=actor, draft=draft
    )


@pytest.fixture
def released_b(release_b_document, engineer):
    return accept(release_b_document, engineer).revision


@pytest.fixture
def released_c(released_b, release_document, engineer):
    return accept(release_document, engineer).revision


@contextmanager
def lazy_loads_raise():
    """Django 6.1's fetch-mode guard for every query made inside: a related object (or deferred
    field) that is not loaded up front raises `FieldFetchBlocked` instead of costing a query.

    Django has no setting for a default fetch mode, only `QuerySet.fetch_mode(FETCH_RAISE)`; every
    QuerySet starts from `django.db.models.query.DEFAULT_FETCH_MODE`, so the guard swaps it."""
    from django.db.models import FETCH_RAISE, query

    before = query.DEFAULT_FETCH_MODE
    query.DEFAULT_FETCH_MODE = FETCH_RAISE
    try:
        yield
    finally:
        query.DEFAULT_FETCH_MODE = before


@pytest.fixture
def django_assert_num_queries(pytestconfig):
    """pytest-django's exact query count, with lazy loads raising inside (see `lazy_loads_raise`):
    a counted screen or API read loads everything it shows in its planned queries."""
    from pytest_django.fixtures import _assert_num_queries

    @contextmanager
    def assert_num_queries(num: int, *args, **kwargs):
        with lazy_loads_raise(), _assert_num_queries(pytestconfig, num, *args, **kwargs) as captured:
            yield captured

    return assert_num_queries
