"""API tokens: hashed at rest, shown once, revocable; `create_api_token` prints the key last."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from core.choices import IdentityKind, Role
from core.identities import revoke_api_token
from core.models import ApiToken, User


def whoami(key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + key)
    return client.get("/api/v1/whoami")


def test_the_command_creates_a_system_identity_and_prints_the_key_last(db):
    out = StringIO()
    call_command("create_api_token", "erp-bridge", "--role", "integration", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    identity = User.objects.get(username="erp-bridge")
    assert (identity.role, identity.kind, identity.has_usable_password()) == (
        Role.INTEGRATION,
        IdentityKind.SYSTEM,
        False,
    )
    assert whoami(key).json()["username"] == "erp-bridge"


def test_the_key_is_stored_only_as_its_hash(db):
    out = StringIO()
    call_command("create_api_token", "erp-bridge", "--role", "integration", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix) and len(token.prefix) < len(key) // 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_apitoken")
        rows = cursor.fetchall()
    assert not any(key in str(value) for row in rows for value in row)


def test_a_revoked_token_is_401(agent_token):
    token, key = agent_token
    assert whoami(key).status_code == 200
    revoke_api_token(token=token, actor=None, reason="key leaked in a ticket")
    response = whoami(key)
    assert response.status_code == 401
    assert [e["code"] for e in response.json()["errors"]] == ["authentication_failed"]


def test_a_token_of_a_deactivated_identity_is_401(agent_token):
    token, key = agent_token
    User.objects.filter(pk=token.identity_id).update(is_active=False)
    assert whoami(key).status_code == 401


@pytest.mark.parametrize("header", ["Bearer abc", "Token", "Token    ", "tl_abc"])
def test_a_malformed_authorization_header_is_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/whoami").status_code == 401


def test_two_keys_for_one_identity_are_different(db):
    first, second = StringIO(), StringIO()
    call_command("create_api_token", "erp-bridge", "--role", "integration", stdout=first)
    call_command("create_api_token", "erp-bridge", "--role", "integration", stdout=second)
    assert first.getvalue().splitlines()[-1] != second.getvalue().splitlines()[-1]
    assert ApiToken.objects.count() == 2
