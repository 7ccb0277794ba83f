"""The as-built record: its content, its hash, its PDF (made in Celery, marked on every page),
its screen and API, who may read it, and a query count that does not grow with the steps."""

import hashlib
import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.choices import DocumentStatus
from core.documents import offline_url_fetcher
from core.models import RenderedDocument, Signature
from line.as_built import as_built_record
from line.models import Consumption, Hold, StepResult, StepSignOff, ToolScan, Unit, UnitEvent
from line.printing import KIND, as_built_html
from line.services import results
from line.services import units as unit_services
from line.services import work_orders as work_order_services
from mes.celery import app as celery_app
from quality.models import Disposition
from quality.services import dispositions
from tests.conftest import accept, client_for
from tests.instructions.test_screens_revisions import _more_steps
from tests.line.conftest import countersignature
from tests.line.test_sign_off_step import complete_step2
from tests.pdf import pdf_pages
from tests.quality.conftest import out_of_tolerance, sig

# unit, eco decisions, end events, bound steps, consumptions, results, tool scans, sign-offs,
# holds, NCRs, disposition lines, disposition signatures
RECORD_QUERIES = 12


@pytest.fixture
def eager_celery():
    """Run tasks in-process even where REDIS_URL points at a real broker."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def who(user) -> dict:
    return {"username": user.username, "name": user.printed_name}


def at(moment) -> str:
    return moment.isoformat()


def sign_off_step2(line, operator, inspector):
    unit_services.sign_off_step(
        unit=line.unit,
        step=line.step2,
        actor=operator,
        station=line.station,
        countersigner=countersignature(inspector),
    )


@pytest.fixture
def built(at_step2, operator, inspector):
    """Unit 1 built through a deviation: TQ1 measured 0.9 (NCR, hold), reworked by the inspector's
    signed decision, step 2 done again with TQ1 re-recorded (0.61 replaced by 0.62), completed."""
    line = at_step2
    ncr = out_of_tolerance(line, operator)
    dispositions.disposition_ncr(
        ncr=ncr,
        decision="rework",
        rework_steps=[line.step2.pk],
        reason="Torque far beyond limit",
        signatures=[sig(inspector)],
        actor=inspector,
    )
    complete_step2(line, operator)
    results.record_result(
        unit=line.unit,
        step=line.step2,
        characteristic_code="TQ1",
        value="0.62",
        gauge="G-TQ-1",
        actor=operator,
        station=line.station,
        reason="Re-measured",
    )
    sign_off_step2(line, operator, inspector)
    line.unit.refresh_from_db()
    return line


def test_a_built_unit_record_is_exactly_what_happened(built, operator, inspector, engineer):
    # given a unit built through a deviation and a rework
    unit = Unit.objects.get(pk=built.unit.pk)
    step1, step2 = built.step1, built.step2
    # when its as-built record is read
    record = as_built_record(unit).as_json()
    # then it says exactly what the unit is and how it was built
    pcb, screws, locker = Consumption.objects.filter(unit=unit).order_by("id")
    tq_out, tq_first, vis, tq_again = StepResult.objects.filter(unit=unit).order_by("id")
    tool_scan = ToolScan.objects.get(unit=unit)
    signed1, signed2 = StepSignOff.objects.filter(unit=unit).order_by("id")
    hold = Hold.objects.get(unit=unit)
    disposition = Disposition.objects.get(ncr__unit=unit)
    signature = Signature.objects.get(subject_type="quality.disposition", subject_id=str(disposition.pk))
    completed = UnitEvent.objects.get(unit=unit, kind="status", after="completed")
    revision = unit.revision
    station = "ST-1"

    def result(
        row,
        *,
        code,
        name,
        kind,
        value,
        passed,
        in_tolerance,
        limits,
        gauge,
        replaces=None,
        replaced_by=None,
        reason="",
    ):
        nominal, lower, upper, measure = limits
        return {
            "id": row.pk,
            "characteristic": code,
            "name": name,
            "kind": kind,
            "value": value,
            "passed": passed,
            "in_tolerance": in_tolerance,
            "nominal": nominal,
            "lower": lower,
            "upper": upper,
            "unit": measure,
            "gauge": gauge,
            "by": who(operator),
            "at": at(row.occurred_at),
            "station": station,
            "replaces": replaces,
            "replaced_by": replaced_by,
            "reason": reason,
        }

    def consumption(row, *, lot, part_number, part_revision, quantity):
        return {
            "id": row.pk,
            "lot": lot,
            "part_number": part_number,
            "part_revision": part_revision,
            "quantity": quantity,
            "by": who(operator),
            "at": at(row.occurred_at),
            "station": station,
            "corrects": None,
            "reason": "",
        }

    torque = ("0.6", "0.55", "0.65", "N.m")
    no_limits = (None, None, None, "")
    expected = {
        "format": "threadline.as-built/1",
        "serial": "PC-01000",
        "status": "completed",
        "is_final": True,
        "product": {"part_number": "100-200", "name": "Pump controller"},
        "work_order": "WO-1",
        "revision": {
            "id": revision.pk,
            "part_number": "100-200",
            "revision": "C",
            "release_id": "ECO-1042",
            "content_sha256": revision.content_sha256,
        },
        "revision_bound_at": at(unit.revision_bound_at),
        "eco_decisions": [],
        "started": {"at": at(unit.started_at), "by": who(operator), "station": station, "reason": ""},
        "completed": {"at": at(completed.occurred_at), "by": who(operator), "station": station, "reason": ""},
        "scrapped": None,
        "steps": [
            {
                "id": step1.pk,
                "revision": "C",
                "bound": True,
                "position": 1,
                "title": "Place PCB in housing",
                "operation": "OP10",
                "work_center": "ASSY-1",
                "sign_off_by": "operator",
                "attempts": [
                    {
                        "number": 1,
                        "consumptions": [
                            consumption(
                                pcb, lot="PCB-0001", part_number="200-010", part_revision="B", quantity="1"
                            )
                        ],
                        "results": [],
                        "tool_scans": [],
                        "sign_off": {
                            "by": who(operator),
                            "countersigned_by": None,
                            "at": at(signed1.occurred_at),
                            "station": station,
                        },
                    }
                ],
            },
            {
                "id": step2.pk,
                "revision": "C",
                "bound": True,
                "position": 2,
                "title": "Fasten PCB",
                "operation": "OP10",
                "work_center": "ASSY-1",
                "sign_off_by": "operator+inspector",
                "attempts": [
                    {
                        "number": 1,
                        "consumptions": [],
                        "results": [
                            result(
                                tq_out,
                                code="TQ1",
                                name="Screw torque",
                                kind="variable",
                                value="0.9",
                                passed=None,
                                in_tolerance=False,
                                limits=torque,
                                gauge="G-TQ-1",
                            ),
                        ],
                        "tool_scans": [],
                        "sign_off": None,
                    },
                    {
                        "number": 2,
                        "consumptions": [
                            consumption(
                                screws, lot="SCR-1", part_number="300-550", part_revision="A", quantity="4"
                            ),
                            consumption(
                                locker, lot="TL-1", part_number="300-900", part_revision="A", quantity="0.2"
                            ),
                        ],
                        "results": [
                            result(
                                tq_first,
                                code="TQ1",
                                name="Screw torque",
                                kind="variable",
                                value="0.61",
                                passed=None,
                                in_tolerance=True,
                                limits=torque,
                                gauge="G-TQ-1",
                                replaced_by=tq_again.pk,
                            ),
                            result(
                                vis,
                                code="VIS1",
                                name="No lifted pads or cracks",
                                kind="attribute",
                                value=None,
                                passed=True,
                                in_tolerance=True,
                                limits=no_limits,
                                gauge=None,
                            ),
                            result(
                                tq_again,
                                code="TQ1",
                                name="Screw torque",
                                kind="variable",
                                value="0.62",
                                passed=None,
                                in_tolerance=True,
                                limits=torque,
                                gauge="G-TQ-1",
                                replaces=tq_first.pk,
                                reason="Re-measured",
                            ),
                        ],
                        "tool_scans": [
                            {
                                "id": tool_scan.pk,
                                "tool": "TD-0.6",
                                "name": "Torque driver 0.6",
                                "by": who(operator),
                                "at": at(tool_scan.occurred_at),
                                "station": station,
                            },
                        ],
                        "sign_off": {
                            "by": who(operator),
                            "countersigned_by": who(inspector),
                            "at": at(signed2.occurred_at),
                            "station": station,
                        },
                    },
                ],
            },
        ],
        "holds": [
            {
                "id": hold.pk,
                "kind": "ncr",
                "status": "released",
                "reason": hold.reason,
                "lot": None,
                "step": 2,
                "ncrs": [disposition.ncr.number],
                "placed_at": at(hold.placed_at),
                "placed_by": who(operator),
                "station": station,
                "released_at": at(hold.released_at),
                "released_by": who(inspector),
                "release_reason": "{}: Torque far beyond limit".format(disposition.ncr.number),
                "reason_code": "ncr.out_of_tolerance",
                "reason_params": {"code": "TQ1", "name": "Screw torque", "serial": "PC-01000"},
                "release_code": "hold.released_by_disposition",
                "release_params": {
                    "ncr": disposition.ncr.number,
                    "decision": "rework",
                    "reason": "Torque far beyond limit",
                },
                "released_by_ncr": disposition.ncr.number,
            }
        ],
        "ncrs": [
            {
                "number": disposition.ncr.number,
                "status": "dispositioned",
                "source": "out_of_tolerance",
                "description": disposition.ncr.description,
                "step": 2,
                "characteristic": "TQ1",
                "value": "0.9",
                "lot": None,
                "parent": None,
                "raised_at": at(disposition.ncr.raised_at),
                "raised_by": who(operator),
                "station": station,
                "decision": "rework",
                "description_code": "ncr.out_of_tolerance",
                "description_params": {"code": "TQ1", "name": "Screw torque", "serial": "PC-01000"},
                "disposition": {
                    "reason": "Torque far beyond limit",
                    "decided_at": at(disposition.decided_at),
                    "decided_by": who(inspector),
                    "content_hash": disposition.content_hash,
                    "lines": [
                        {
                            "decision": "rework",
                            "quantity": None,
                            "rework_steps": [step2.pk],
                            "repair_note": "",
                            "rtv_reference": "",
                        }
                    ],
                    "signatures": [
                        {
                            "printed_name": "Ines Inspector (ines)",
                            "username": "ines",
                            "meaning": "approved",
                            "signed_at": at(signature.signed_at),
                            "content_hash": disposition.content_hash,
                        }
                    ],
                },
            }
        ],
    }
    hashed = json.dumps(expected, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert record == {**expected, "record_hash": hashlib.sha256(hashed.encode()).hexdigest()}


def test_an_unfinished_unit_is_readable_but_not_final(at_step2):
    # given a unit at step 2, step 1 done
    # when its record is read
    record = as_built_record(at_step2.unit)
    # then it is marked not final, with what is done so far and nothing made up
    assert (record.status, record.is_final, record.completed, record.scrapped) == (
        "in_progress",
        False,
        None,
        None,
    )
    assert [(step.position, [attempt.number for attempt in step.attempts]) for step in record.steps] == [
        (1, [1]),
        (2, []),
    ]


def test_the_hash_changes_with_the_record_and_only_with_it(at_step2, operator):
    # given the record of a unit at step 2
    first = as_built_record(at_step2.unit).record_hash
    # when it is read again, then after a scan
    again = as_built_record(at_step2.unit).record_hash
    from line.services import scans

    scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="SCR-1", actor=operator, station=at_step2.station
    )
    after_scan = as_built_record(at_step2.unit).record_hash
    # then the same content hashes the same, and new content differently
    assert first == again
    assert after_scan != first


@pytest.fixture
def long_unit(line, release_document, engineer, operator):
    """A unit of a 26-step revision of 100-200 (rev R), started, step 1 done: many steps, few rows."""
    revision = accept(_more_steps(release_document, "R", 24), engineer).revision
    work_order = work_order_services.create_work_order(
        number="WO-R", part_number="100-200", quantity=1, revision="R", actor=engineer
    )
    unit = work_order.units.get()
    unit_services.start_unit(unit=unit, actor=operator, station=line.station)
    unit.refresh_from_db()
    assert revision.steps.count() == 26
    return unit


def test_the_record_takes_a_fixed_number_of_queries(built, long_unit, django_assert_num_queries):
    # given a completed 2-step unit with many rows, and a 26-step unit
    # when each record is read, then the query count is the same
    with django_assert_num_queries(RECORD_QUERIES):
        short = as_built_record(built.unit)
    with django_assert_num_queries(RECORD_QUERIES):
        long = as_built_record(long_unit)
    assert (len(short.steps), len(long.steps)) == (2, 26)


# --- API -------------------------------------------------------------------------------------


def as_built_url(unit, pdf=False):
    return reverse("api-unit-as-built-pdf" if pdf else "api-unit-as-built", args=[unit.serial])


def test_the_api_answers_the_record_as_json(built, api):
    # when the integration identity reads the record
    response = api.get(as_built_url(built.unit))
    # then it is the record, hash included
    assert response.status_code == 200
    assert response.json() == as_built_record(built.unit).as_json()


def test_the_pdf_is_made_in_celery_then_served_and_marked_final_on_every_page(
    built, api, eager_celery, django_capture_on_commit_callbacks, tmp_path
):
    # given a completed unit and no PDF yet
    record = as_built_record(built.unit)
    # when the integration asks for the PDF
    with django_capture_on_commit_callbacks(execute=True):
        first = api.get(as_built_url(built.unit, pdf=True))
    # then the request does not render: 202 with the document to wait for
    document = RenderedDocument.objects.get()
    assert first.status_code == 202
    assert first["Retry-After"] == "2"
    assert first.json() == {"status": "pending", "document": document.pk, "retry_after": 2}
    assert (document.kind, document.subject_id, document.variant) == (
        KIND,
        str(built.unit.pk),
        record.record_hash[:40],
    )
    # and the task made it: a later GET serves it, asking for nothing new
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    second = api.get(as_built_url(built.unit, pdf=True))
    assert second.status_code == 200
    assert second["Content-Type"] == "application/pdf"
    assert RenderedDocument.objects.count() == 1
    pages = pdf_pages(b"".join(second.streaming_content))
    for number, page in enumerate(pages, start=1):
        assert (
            "PC-01000 · 100-200 Pump controller · rev C · record {}".format(record.record_hash[:12]) in page
        )
        assert "FINAL" in page and "NOT FINAL" not in page
        assert "Page {} of {}".format(number, len(pages)) in page
    text = " ".join(pages)
    assert "Ines Inspector (ines)" in text and "Approved" in text


def test_an_unfinished_unit_pdf_says_not_final_on_every_page(
    long_unit, api, eager_celery, django_capture_on_commit_callbacks, tmp_path
):
    # given a 26-step unit in progress
    with django_capture_on_commit_callbacks(execute=True):
        assert api.get(as_built_url(long_unit, pdf=True)).status_code == 202
    # when the PDF is fetched
    response = api.get(as_built_url(long_unit, pdf=True))
    # then every page, several of them, says NOT FINAL with the unit's identity
    assert response.status_code == 200
    pages = pdf_pages(b"".join(response.streaming_content))
    assert len(pages) >= 2
    prefix = as_built_record(long_unit).record_hash[:12]
    for number, page in enumerate(pages, start=1):
        assert "{} · 100-200 Pump controller · rev R · record {}".format(long_unit.serial, prefix) in page
        assert "NOT FINAL" in page
        assert "Page {} of {}".format(number, len(pages)) in page


def test_a_new_record_version_asks_for_a_new_pdf(
    at_step2, api, operator, eager_celery, django_capture_on_commit_callbacks
):
    # given the PDF of a unit at step 2, made
    with django_capture_on_commit_callbacks(execute=True):
        api.get(as_built_url(at_step2.unit, pdf=True))
    assert api.get(as_built_url(at_step2.unit, pdf=True)).status_code == 200
    # when the unit moves on and the PDF is asked for again
    from line.services import scans

    scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="SCR-1", actor=operator, station=at_step2.station
    )
    response = api.get(as_built_url(at_step2.unit, pdf=True))
    # then the old PDF is not served for the new record: a new one is asked for
    assert response.status_code == 202
    assert RenderedDocument.objects.count() == 2


def test_a_record_changed_before_the_render_fails_rather_than_print_other_content(at_step2, api, operator):
    # given a PDF asked for (the worker has not run yet)
    response = api.get(as_built_url(at_step2.unit, pdf=True))
    document = RenderedDocument.objects.get(pk=response.json()["document"])
    # when the unit moves on before the task runs
    from line.services import scans
    from line.tasks import render_as_built_pdf

    scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="SCR-1", actor=operator, station=at_step2.station
    )
    render_as_built_pdf(document.pk)
    # then the document failed, with a reason, and carries no file
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "changed" in document.error
    assert not document.file


@pytest.mark.parametrize(
    "url_case",
    ["http://127.0.0.1:9/x.png", "https://example.com/a.css", "file:///etc/passwd", "ftp://example.com/x"],
)
def test_the_url_fetcher_refuses_every_url_but_data(url_case):
    fetcher = offline_url_fetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher(url_case)


def test_the_url_fetcher_reads_data_urls():
    assert offline_url_fetcher()("data:text/plain,hello").read() == b"hello"


def test_a_record_naming_urls_never_makes_the_pdf_fetch_them(built, monkeypatch):
    # given a record whose text would point at outside URLs were it not escaped, and HTML that does point
    from weasyprint import HTML

    fetched = []
    fetcher = offline_url_fetcher()
    original = fetcher.fetch

    def spy(url, headers=None):
        fetched.append(url)
        return original(url, headers)

    monkeypatch.setattr(fetcher, "fetch", spy)
    html = as_built_html(as_built_record(built.unit)).replace(
        "<body>", '<body><img src="http://127.0.0.1:9/x.png"><img src="file:///etc/passwd">'
    )
    # when it is rendered
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    # then the PDF is made and each URL was refused at the fetcher, none opened
    assert pdf.startswith(b"%PDF")
    assert fetched == ["http://127.0.0.1:9/x.png", "file:///etc/passwd"]


# --- who may read it ---------------------------------------------------------------------------


def test_an_operator_not_assigned_to_the_units_station_gets_not_found(built, outsider):
    client = APIClient()
    client.force_authenticate(outsider)
    for url in (as_built_url(built.unit), as_built_url(built.unit, pdf=True)):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "unknown_unit"
    assert client_for(outsider).get(reverse("mes:unit-as-built", args=[built.unit.serial])).status_code == 404
    assert RenderedDocument.objects.count() == 0


def test_an_operator_of_the_units_station_may_read_it(built, operator):
    client = APIClient()
    client.force_authenticate(operator)
    assert client.get(as_built_url(built.unit)).status_code == 200


def test_the_integration_identity_may_read_it_and_anonymous_may_not(built, api):
    assert api.get(as_built_url(built.unit)).status_code == 200
    assert APIClient().get(as_built_url(built.unit)).status_code == 401


def test_an_unknown_serial_is_not_found(line, api):
    response = api.get(reverse("api-unit-as-built", args=["NOPE-1"]))
    assert response.status_code == 404


# --- the screen --------------------------------------------------------------------------------


def screen_url(unit):
    return reverse("mes:unit-as-built", args=[unit.serial])


def test_the_screen_shows_the_record_in_a_fixed_number_of_queries(
    built, long_unit, engineer, django_assert_num_queries
):
    # given an engineer, a completed 2-step unit and a 26-step unit
    client = client_for(engineer)
    client.get(screen_url(built.unit))  # session and language settle on the first request
    # when each screen is shown, then the query count is the same: session, identity, the unit, the record
    with django_assert_num_queries(3 + RECORD_QUERIES):
        short = client.get(screen_url(built.unit))
    with django_assert_num_queries(3 + RECORD_QUERIES):
        long = client.get(screen_url(long_unit))
    assert short.status_code == long.status_code == 200
    text = short.text
    assert "PC-01000" in text and "Final" in text and as_built_record(built.unit).record_hash in text
    assert "Ines Inspector (ines)" in text and "superseded by" in text
    assert "Not final: the unit is not completed" in long.text


def test_the_screen_pdf_button_asks_and_polls(
    built, inspector, eager_celery, django_capture_on_commit_callbacks
):
    # given an inspector on the record screen
    client = client_for(inspector)
    # when the PDF button is pressed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("mes:unit-as-built-pdf", args=[built.unit.serial]), headers={"HX-Request": "true"}
        )
    # then the answer is the polling status region, and the task made the PDF
    document = RenderedDocument.objects.get()
    assert response.status_code == 202
    assert 'id="document-status"' in response.text
    document.refresh_from_db()
    assert (document.status, document.requested_by) == (DocumentStatus.READY, inspector)
    status = client.get(reverse("document-status", args=[document.pk]), headers={"HX-Request": "true"})
    assert reverse("document-download", args=[document.pk]) in status.text


# --- a render queue that fails ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # committed as in production: the queueing runs before the answer
def test_a_pdf_that_cannot_be_queued_fails_at_once_with_what_to_do(built, inspector, monkeypatch):
    from kombu.exceptions import OperationalError

    from line import tasks

    # given a task queue that cannot be reached
    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.render_as_built_pdf, "delay", unreachable)
    client = client_for(inspector)
    # when the PDF button is pressed
    response = client.post(
        reverse("mes:unit-as-built-pdf", args=[built.unit.serial]), headers={"HX-Request": "true"}
    )
    # then the answer says so at once and stops waiting: no polling for a PDF never queued
    document = RenderedDocument.objects.get()
    assert response.status_code == 202
    assert document.status == DocumentStatus.FAILED and document.finished_at is not None
    assert "could not be queued" in document.error and "OperationalError" not in document.error
    assert "could not be queued" in response.text and "hx-trigger" not in response.text
    # and asking again, once the queue is back, makes a new request (a failed one is never reused)
    queued = []
    monkeypatch.setattr(tasks.render_as_built_pdf, "delay", queued.append)
    client.post(reverse("mes:unit-as-built-pdf", args=[built.unit.serial]), headers={"HX-Request": "true"})
    fresh = RenderedDocument.objects.get(status=DocumentStatus.PENDING)
    assert queued == [fresh.pk] and fresh.pk != document.pk


@pytest.mark.django_db(transaction=True)
def test_the_api_says_503_not_pending_when_the_pdf_cannot_be_queued(built, api, monkeypatch):
    from kombu.exceptions import OperationalError

    from line import tasks

    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.render_as_built_pdf, "delay", unreachable)
    response = api.get(as_built_url(built.unit, pdf=True))
    assert response.status_code == 503
    [error] = response.json()["errors"]
    assert error["code"] == "document_not_queued" and "Ask for it again in a minute" in error["message"]


def test_a_pdf_whose_task_never_ran_is_reported_lost_and_asked_for_again(
    built, api, inspector, django_capture_on_commit_callbacks, settings
):
    from datetime import timedelta

    from django.utils import timezone

    # given a request for the PDF whose task never ran (a worker down, a queue flushed)
    with django_capture_on_commit_callbacks(execute=False):
        first = api.get(as_built_url(built.unit, pdf=True))
    lost = RenderedDocument.objects.get(pk=first.json()["document"])
    assert lost.status == DocumentStatus.PENDING
    # while it is young it is the one every caller waits for
    with django_capture_on_commit_callbacks(execute=False):
        assert api.get(as_built_url(built.unit, pdf=True)).json()["document"] == lost.pk
    # when it is older than DOCUMENT_RENDER_MINUTES
    settings.THREADLINE_DOCUMENT_RENDER_MINUTES = 10
    RenderedDocument.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - timedelta(minutes=11))
    # then the next caller gets a new request, not the lost one
    with django_capture_on_commit_callbacks(execute=False):
        again = api.get(as_built_url(built.unit, pdf=True))
    assert again.status_code == 202 and again.json()["document"] != lost.pk
    # and its status screen stops polling and says what to do
    lost.requested_by = inspector
    lost.save(update_fields=["requested_by"])
    status = client_for(inspector).get(
        reverse("document-status", args=[lost.pk]), headers={"HX-Request": "true"}
    )
    assert "was not made within 10 minutes" in status.text and "hx-trigger" not in status.text
