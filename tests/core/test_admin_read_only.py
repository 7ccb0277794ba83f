"""No side doors: the admin site shows every app's records and changes none of them.

Changes go through the services the screens, the API and the commands call, which audit who and why."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core.choices import Role
from core.models import AuditEntry, User


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root", password="a-long-enough-password", role=Role.ADMIN)


@pytest.fixture
def station(released_c, engineer):
    from line.services.stations import register_station

    return register_station(code="ST-A", work_center="ASSY-1", actor=engineer)


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def test_every_registered_model_is_view_only_even_for_a_superuser(superuser):
    # given the admin site with every app's registrations, and a superuser's request
    request = RequestFactory().get("/admin/")
    request.user = superuser
    registered = admin.site._registry
    assert {model._meta.label for model in registered} >= {
        "core.User",
        "mes.Station",
        "mes.Tool",
        "mes.QualificationGrant",
    }
    # then no page adds, changes, deletes or offers a bulk action; every page can be viewed
    for model, model_admin in registered.items():
        assert (
            model_admin.has_add_permission(request),
            model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request),
            dict(model_admin.get_actions(request)),
            model_admin.has_view_permission(request),
        ) == (False, False, False, {}, True), model._meta.label


def test_posting_a_station_change_is_refused_and_changes_nothing(superuser_client, station):
    # given a station's admin page, when a superuser posts a new WIP limit
    url = reverse("admin:mes_station_change", args=[station.pk])
    entries = AuditEntry.objects.count()
    response = superuser_client.post(url, {"code": station.code, "work_center": "X", "wip_limit": 99})
    # then it is refused and the station is as it was, with nothing on the audit trail
    assert response.status_code == 403
    station.refresh_from_db()
    assert (station.work_center, station.wip_limit, AuditEntry.objects.count()) == ("ASSY-1", None, entries)


def test_a_role_cannot_be_changed_in_the_admin(superuser_client, operator):
    url = reverse("admin:core_user_change", args=[operator.pk])
    response = superuser_client.post(url, {"username": operator.username, "role": Role.ADMIN})
    assert response.status_code == 403
    operator.refresh_from_db()
    assert operator.role == Role.OPERATOR


def test_the_admin_index_says_where_changes_are_made(superuser_client):
    response = superuser_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "change_role" in response.content.decode()
