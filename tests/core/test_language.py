"""Several languages on one line: each person's screens speak the language they chose."""

from django.test import Client

from core.models import AuditEntry


def test_a_person_chooses_a_language_and_screens_follow_it(engineer):
    client = Client()
    client.force_login(engineer)
    response = client.post("/language", {"language": "de", "next": "/instructions/"})
    assert (response.status_code, response["Location"]) == (302, "/instructions/")
    engineer.refresh_from_db()
    assert engineer.preferred_language == "de"
    page = client.get("/instructions/")
    assert page["Content-Language"] == "de"
    assert '<html lang="de">' in page.text
    assert AuditEntry.objects.filter(action="identity.language_set").count() == 1


def test_an_unknown_language_is_refused_and_nothing_changes(engineer):
    client = Client()
    client.force_login(engineer)
    response = client.post("/language", {"language": "xx"})
    assert response.status_code == 422
    assert "not offered" in response.text
    engineer.refresh_from_db()
    assert engineer.preferred_language == ""


def test_the_next_address_must_stay_on_this_site(engineer):
    client = Client()
    client.force_login(engineer)
    response = client.post("/language", {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/"
