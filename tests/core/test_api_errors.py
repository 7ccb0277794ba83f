"""Every API error has the documented JSON shape, and says what to do."""


def test_unknown_api_addresses_answer_json_and_screens_answer_a_page(engineer):
    from django.test import Client

    client = Client()
    client.force_login(engineer)
    api = client.get("/api/v1/revisions/abc")
    assert (api.status_code, api.json()["errors"][0]["code"]) == (404, "not_found")
    screen = client.get("/instructions/nowhere")
    assert screen.status_code == 404
    assert "Nothing here" in screen.text


def test_a_refusal_by_role_says_which_roles_may(operator):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(operator)
    body = client.post("/api/v1/lots/X/quarantine", {"reason": "x"}, format="json").json()
    assert body["errors"][0]["code"] == "permission_denied"
    assert "mes.quarantine_lot" in body["errors"][0]["message"]
    assert "Quality inspector" in body["errors"][0]["message"]
