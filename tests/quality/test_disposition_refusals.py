"""A refused disposition says why at the top of the form and keeps what was typed (not passwords)."""

import re

from django.urls import reverse

from quality.models import Ncr
from tests.conftest import PASSWORD
from tests.quality.conftest import snapshot

BOARD = "This decision needs the review board: a second inspector must sign too."


def post(client, ncr, **fields):
    data = {
        "decision": "use_as_is",
        "reason": "Within drawing note 4, concession C-17",
        "username": "ines",
        "password": PASSWORD,
        "meaning": "approved",
        **fields,
    }
    url = reverse("quality:ncr-disposition", args=[ncr.pk])
    return client.post(url, data, headers={"HX-Request": "true"})


def test_a_missing_review_board_signature_is_said_at_the_top_and_the_typing_is_kept(
    ncr_at_step2, inspector_client
):
    before = snapshot(ncr_at_step2)
    response = post(inspector_client, ncr_at_step2, repair_note="Re-seat the PCB")
    assert response.status_code == 422
    html = response.text
    # the summary is the first thing in the form, above the decision
    summary = html.index('id="disposition-refusals"')
    assert summary < html.index("<legend>") and BOARD in html[summary : html.index("</div>", summary)]
    assert "Not recorded: nothing was signed and the NCR is unchanged." in html
    # the folded second signature opens, so the field the refusal names is in view
    assert re.search(r"<details open><summary>Second signature", html)
    # what was typed is kept: decision, reason, repair note, user name; the password is not sent back
    assert re.search(r'value="use_as_is"\s+checked', html)
    assert "Within drawing note 4, concession C-17</textarea>" in html
    assert "Re-seat the PCB</textarea>" in html
    assert 'name="username" value="ines"' in html
    assert PASSWORD not in html
    assert snapshot(ncr_at_step2) == before
    assert Ncr.objects.get(pk=ncr_at_step2.pk).status == "open"


def test_each_field_refused_by_the_form_is_named_in_the_summary(ncr_at_step2, inspector_client):
    response = post(inspector_client, ncr_at_step2, decision="", reason="")
    assert response.status_code == 400
    html = response.text
    summary = html[html.index('id="disposition-refusals"') : html.index("</ul>")]
    assert re.findall(r"<li>([^<]+)</li>", summary) == [
        "Decision: This field is required.",
        "Reason: This field is required.",
    ]
