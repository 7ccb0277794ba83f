"""Desk pages and line roles: help calls in the desk menu of those who answer them; an operator
who opens a desk page is told where their work is (a styled 403, not a bare one)."""

import pytest
from django.urls import reverse

from core.choices import Role
from tests.conftest import client_for, make_person


@pytest.mark.parametrize(
    "role,start",
    [
        (Role.INSPECTOR, "quality:ncr-queue"),
        (Role.ENGINEER, "instructions:product-list"),
        (Role.ADMIN, "instructions:product-list"),
    ],
)
def test_help_calls_are_in_the_menu_of_whoever_answers_them(db, role, start):
    client = client_for(make_person("desk-" + role, role))
    page = client.get(reverse(start))
    assert page.status_code == 200
    nav = page.text[page.text.index('<nav class="topnav"') : page.text.index("</nav>")]
    assert 'href="{}"'.format(reverse("mes:help-board")) in nav
    assert "Help calls" in nav
    assert client.get(reverse("mes:help-board")).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        reverse("quality:ncr-queue"),
        reverse("mes:work-order-list"),
        reverse("instructions:product-list"),
        reverse("mes:tablet-list"),
        reverse("audit-trail"),
    ],
)
def test_an_operator_on_a_desk_page_is_sent_to_the_station(operator_client, url):
    response = operator_client.get(url)
    assert response.status_code == 403
    assert "<title>403 Forbidden</title>" not in response.text
    assert 'class="topbar"' in response.text  # the site's own page, with its styles
    assert "This page is for the desk" in response.text
    assert "sign in at the station's tablet with your badge" in response.text
    assert 'href="{}"'.format(reverse("mes:station-home")) in response.text


def test_another_role_is_told_the_page_is_not_for_its_role(inspector_client):
    response = inspector_client.get(reverse("mes:work-order-list"))
    assert response.status_code == 403
    assert "Your role ({}) may not open this page.".format(Role.INSPECTOR.label) in response.text
    assert 'href="{}"'.format(reverse("home")) in response.text


def test_a_refused_api_call_stays_json(operator_client):
    response = operator_client.post(reverse("api-releases"), b"{}", content_type="application/json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"
