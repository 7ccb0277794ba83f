"""The audit trail screen: filters in the address, subjects as links to their screens, actions in
words with the code beside them, and a query count that does not grow with the entries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import audit
from tests.line.conftest import at_step2, line, started  # noqa: F401  (the line's fixture graph)
from tests.quality.conftest import ncr_at_step2  # noqa: F401

URL = "/audit/"


def rows(response) -> list[str]:
    return [entry.action for entry in response.context["entries"]]


def test_subjects_with_a_screen_are_links_and_actions_read_as_words(
    inspector_client, ncr_at_step2, released_c
):
    # given entries about an NCR, its unit and a revision (the fixtures recorded them)
    response = inspector_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    # then the NCR, the unit and the revision link to their screens
    assert '<a href="/quality/ncrs/{}/">{}</a>'.format(ncr_at_step2.pk, ncr_at_step2.number) in html
    assert '<a href="/line/units/{0}/as-built">{0}</a>'.format(ncr_at_step2.unit.serial) in html
    assert '<a href="/instructions/revisions/{}/">100-200 rev C</a>'.format(released_c.pk) in html
    # and an action reads in words, with its code as small secondary text
    assert 'NCR raised</a> <code class="action-code">ncr.raised</code>' in html


def test_filters_narrow_by_action_who_subject_and_dates(inspector_client, inspector, engineer):
    # given entries by two people about two subjects, all of today
    audit.record(actor=engineer, action="station.registered", subject=("mes.station", "1"), summary="ST-1")
    audit.record(actor=inspector, action="lot.quarantined", subject=("mes.materiallot", "7"), summary="L-7")
    audit.record(actor=inspector, action="lot.released", subject=("mes.materiallot", "7"), summary="L-7")
    today = timezone.localdate()
    # when filtered
    assert rows(inspector_client.get(URL, {"action": "lot.quarantined"})) == ["lot.quarantined"]
    assert rows(inspector_client.get(URL, {"who": "erik"})) == ["station.registered"]
    assert rows(inspector_client.get(URL, {"subject_type": "mes.materiallot", "subject_id": "7"})) == [
        "lot.released",
        "lot.quarantined",
    ]
    assert rows(
        inspector_client.get(
            URL, {"date_from": today.isoformat(), "date_to": today.isoformat(), "who": "ines"}
        )
    ) == ["lot.released", "lot.quarantined"]
    assert (
        rows(inspector_client.get(URL, {"date_to": (today - timedelta(days=1)).isoformat(), "who": "ines"}))
        == []
    )
    # and the older address form still works
    assert rows(inspector_client.get(URL, {"subject": "mes.station:1"})) == ["station.registered"]


def test_filter_links_keep_the_other_filters(inspector_client, inspector):
    audit.record(actor=inspector, action="lot.quarantined", subject=("mes.materiallot", "7"))
    html = inspector_client.get(URL, {"who": "ines", "page": "1"}).content.decode()
    # clicking the action keeps "who" and goes back to the first page
    assert 'href="?who=ines&amp;action=lot.quarantined"' in html


def test_a_bad_date_shows_no_entries_and_says_why(inspector_client, inspector):
    audit.record(actor=inspector, action="lot.quarantined", subject=("mes.materiallot", "7"))
    response = inspector_client.get(URL, {"date_from": "yesterday"})
    assert rows(response) == []
    assert "Enter a valid date." in response.content.decode()


@pytest.mark.parametrize("extra", [0, 30])
def test_the_query_count_does_not_grow_with_entries(
    inspector_client, ncr_at_step2, released_c, engineer, extra, django_assert_num_queries
):
    # given more entries about more units, NCRs and revisions
    for n in range(extra):
        audit.record(actor=engineer, action="unit.held", subject=ncr_at_step2.unit, summary=str(n))
        audit.record(actor=engineer, action="ncr.closed", subject=ncr_at_step2, summary=str(n))
        audit.record(actor=engineer, action="revision.superseded", subject=released_c, summary=str(n))
    # then the page costs the same: session, user, count, page, units, NCRs, revisions
    with django_assert_num_queries(7):
        response = inspector_client.get(URL)
    assert response.status_code == 200
