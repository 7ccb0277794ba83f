"""The as-built screen, JSON and PDF say the same facts (issue 9): the start station, every
step's attempts, the release hash, each hold with its own release (which NCR's disposition, by
whom, when), and the repair note. The facts are extracted from the screen's visible text, the
JSON and the PDF's text, and compared."""

import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from line.as_built import as_built_record
from line.models import Unit
from line.services import results
from quality.services import dispositions
from tests.conftest import client_for
from tests.line.test_as_built import as_built_url, eager_celery, screen_url  # noqa: F401  (fixture)
from tests.line.test_record_from_facts import do_step, rev_s, station_for  # noqa: F401  (fixture)
from tests.pdf import pdf_pages
from tests.quality.conftest import second_inspector, sig  # noqa: F401  (fixture)

REPAIR_NOTE = "Shim replaced by a 0.2 mm one, gap measured again"


class VisibleText(HTMLParser):
    """The text a person sees: no script, style or title, whitespace collapsed."""

    HIDDEN = {"script", "style", "title", "head"}

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def facts_of_text(text: str) -> dict:
    """The facts as a reader finds them in a rendered record (screen or PDF)."""
    attempts: dict[int, list[int]] = {}
    step = None
    for match in re.finditer(r"Step (\d+) — |Attempt (\d+)", text):
        if match[1]:
            step = int(match[1])
            attempts[step] = []
        else:
            attempts[step].append(int(match[2]))
    started = re.search(r"Started .*? · .*? · ([A-Z0-9-]+) Completed", text)
    release_hash = re.search(r"Release hash \(SHA-256\) ([0-9a-f]{64})", text)
    releases = re.findall(
        r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?: UTC)? · ([^·]+?) · Released by the disposition of (NCR-[\w-]+) "
        r"\((\w[\w ]*)\): ",
        text,
    )
    return {
        "started_station": started[1] if started else None,
        "attempts": attempts,
        "release_hash": release_hash[1] if release_hash else None,
        "hold_releases": [(when, who.strip(), ncr, decision) for when, who, ncr, decision in releases],
        "repair_notes": re.findall(r"Repair note: (" + re.escape(REPAIR_NOTE) + ")", text),
    }


def facts_of_json(record: dict) -> dict:
    from quality.choices import Decision

    decisions = {ncr["number"]: ncr["decision"] for ncr in record["ncrs"]}
    local = timezone.get_current_timezone()

    def when(value: str) -> str:
        from datetime import datetime

        return datetime.fromisoformat(value).astimezone(local).strftime("%Y-%m-%d %H:%M:%S")

    return {
        "started_station": record["started"]["station"],
        "attempts": {step["position"]: [a["number"] for a in step["attempts"]] for step in record["steps"]},
        "release_hash": record["revision"]["content_sha256"],
        "hold_releases": [
            (
                when(hold["released_at"]),
                hold["released_by"]["name"],
                hold["released_by_ncr"],
                str(Decision(decisions[hold["released_by_ncr"]]).label),
            )
            for hold in record["holds"]
        ],
        "repair_notes": [
            line["repair_note"]
            for ncr in record["ncrs"]
            for line in (ncr["disposition"] or {}).get("lines", [])
            if line["repair_note"]
        ],
    }


@pytest.fixture
def reworked_and_repaired(rev_s, line, operator, inspector, second_inspector):  # noqa: F811
    """A unit of rev S: step 3 out of tolerance → NCR, hold, reworked; step 5 out of tolerance →
    NCR, hold, repaired with a note (re-inspected); every step then done, the unit completed."""
    revision, steps, units, test_station = rev_s
    unit = units[0]
    from line.services import units as unit_services

    unit_services.start_unit(unit=unit, actor=operator, station=line.station)
    for step in steps:
        station = station_for(step, line, test_station)
        if step.position in (3, 5):
            recorded = results.record_result(
                unit=unit,
                step=step,
                characteristic_code="X{}".format(step.position),
                value="1.4",
                actor=operator,
                station=station,
            )
            if step.position == 3:
                dispositions.disposition_ncr(
                    ncr=recorded.ncr,
                    decision="rework",
                    rework_steps=[step.pk],
                    reason="Gap too wide",
                    signatures=[sig(inspector)],
                    actor=inspector,
                )
            else:
                dispositions.disposition_ncr(
                    ncr=recorded.ncr,
                    decision="repair",
                    repair_note=REPAIR_NOTE,
                    reason="Shim was worn",
                    signatures=[sig(inspector), sig(second_inspector)],
                    actor=inspector,
                )
        do_step(unit, step, operator, station)
    unit = Unit.objects.get(pk=unit.pk)
    assert unit.status == "completed"
    return unit


def test_screen_json_and_pdf_say_the_same_facts(
    reworked_and_repaired,
    engineer,
    api,
    eager_celery,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    unit = reworked_and_repaired
    # when the record is read as JSON, on the screen and as the PDF
    record = api.get(as_built_url(unit)).json()
    screen = visible_text(client_for(engineer).get(screen_url(unit)).text)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.get(as_built_url(unit, pdf=True)).status_code == 202
    answer = api.get(as_built_url(unit, pdf=True))
    assert answer.status_code == 200
    pdf = " ".join(pdf_pages(b"".join(answer.streaming_content)))
    # then the JSON holds the facts
    expected = facts_of_json(record)
    assert expected["started_station"] == "ST-1"
    assert expected["attempts"] == {1: [1], 2: [1], 3: [1, 2], 4: [1], 5: [1, 2], 6: [1]}
    assert expected["release_hash"] == as_built_record(unit).revision.content_sha256
    assert [(ncr, decision) for _when, _who, ncr, decision in expected["hold_releases"]] == [
        (record["ncrs"][0]["number"], "Rework"),
        (record["ncrs"][1]["number"], "Repair"),
    ]
    assert expected["repair_notes"] == [REPAIR_NOTE]
    # and the screen and the PDF say exactly the same
    assert facts_of_text(screen) == expected
    assert facts_of_text(pdf) == expected
