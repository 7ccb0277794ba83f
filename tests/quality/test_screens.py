"""The inspector's screens: queue (query count flat), NCR detail with its context, signed disposition, report
a problem."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry
from line.models import Unit
from quality.models import Ncr
from quality.services import containment, ncrs
from tests.conftest import PASSWORD
from tests.quality.conftest import out_of_tolerance, snapshot

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def many_ncrs(line, operator, count: int):
    unit = Unit.objects.get(pk=line.unit.pk)
    for index in range(count):
        ncrs.raise_ncr(
            unit=unit,
            step=line.step2,
            lot=line.screws,
            description="Problem {}".format(index),
            actor=operator,
            station=line.station,
        )


@pytest.mark.parametrize("count", [3, 40])
def test_the_queue_query_count_does_not_grow_with_ncrs(
    count, at_step2, operator, inspector_client, django_assert_num_queries
):
    # given `count` open NCRs
    many_ncrs(at_step2, operator, count)
    # when the inspector opens the queue: session, user, NCR rows, three filter option lists
    with django_assert_num_queries(6):
        response = inspector_client.get(reverse("quality:ncr-queue"))
    # then every NCR is listed, oldest first
    assert response.status_code == 200
    assert response.text.count('class="ncr-row"') == count
    numbers = list(Ncr.objects.order_by("id").values_list("number", flat=True))
    assert response.text.index(numbers[0]) < response.text.index(numbers[-1])


def test_the_queue_filters_by_status_work_center_product_and_age(
    ncr_at_step2, inspector, inspector_client, released_c
):
    url = reverse("quality:ncr-queue")
    number = ncr_at_step2.number
    assert (
        number
        in inspector_client.get(
            url, {"work_center": "ASSY-1", "product": "100-200", "revision": released_c.pk}
        ).text
    )
    assert number not in inspector_client.get(url, {"work_center": "PACK-9"}).text
    assert number not in inspector_client.get(url, {"age": "7d"}).text
    assert number not in inspector_client.get(url, {"status": "closed"}).text
    response = inspector_client.get(url, {"status": "open"}, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<section id="ncr-list">')
    assert 'href="?status=open&amp;sort=newest"' in response.text


def test_the_queue_is_refused_to_operators(operator_client):
    assert operator_client.get(reverse("quality:ncr-queue")).status_code == 403


def test_the_detail_shows_the_whole_context(ncr_at_step2, inspector_client, django_assert_num_queries):
    with django_assert_num_queries(13):
        response = inspector_client.get(reverse("quality:ncr-detail", args=[ncr_at_step2.pk]))
    text = response.text
    assert response.status_code == 200
    assert "TQ1" in text and "0.9" in text  # the characteristic and the value
    assert ncr_at_step2.step.instruction_html[:20] in text  # the step as the operator saw it
    assert "PCB-0001" in text  # the unit's consumptions so far
    assert "Sign and disposition" in text


def test_a_disposition_through_the_screen_is_signed_and_releases_the_unit(
    ncr_at_step2, inspector, inspector_client
):
    url = reverse("quality:ncr-disposition", args=[ncr_at_step2.pk])
    response = inspector_client.post(
        url,
        {
            "decision": "scrap",
            "reason": "Beyond repair",
            "username": "ines",
            "password": PASSWORD,
            "meaning": "approved",
        },
    )
    assert response.status_code == 302
    page = inspector_client.get(reverse("quality:ncr-detail", args=[ncr_at_step2.pk])).text
    assert "Ines Inspector (ines)" in page and "SHA-256" in page and "Approved" in page
    assert Unit.objects.get(pk=ncr_at_step2.unit_id).status == "scrapped"


def test_a_wrong_password_on_the_screen_answers_422_and_changes_nothing(ncr_at_step2, inspector_client):
    before = snapshot(ncr_at_step2)
    response = inspector_client.post(
        reverse("quality:ncr-disposition", args=[ncr_at_step2.pk]),
        {"decision": "scrap", "reason": "x", "username": "ines", "password": "wrong", "meaning": "approved"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="disposition-form"')
    assert "password is wrong" in response.text
    assert 'value="wrong"' not in response.text
    assert snapshot(ncr_at_step2) == before
    assert AuditEntry.objects.filter(action="signature.refused").count() == 1


def test_an_operator_reports_a_problem_with_a_photo(started, operator, operator_client):
    # given a unit at step 1 on the tablet
    unit = started.unit
    url = reverse("quality:report-problem", args=[unit.serial, started.step1.pk])
    assert 'capture="environment"' in operator_client.get(url).text
    # when the operator reports a problem with a photo
    response = operator_client.post(
        url,
        {"description": "Housing cracked", "photo": SimpleUploadedFile("p.png", PNG, "image/png")},
        headers={"HX-Request": "true"},
    )
    # then an NCR holds the unit and keeps the photo
    assert response.status_code == 201
    ncr = Ncr.objects.get()
    assert ncr.number in response.text
    assert (ncr.source, ncr.step_id, ncr.photo_content_type) == ("manual", started.step1.pk, "image/png")
    assert Unit.objects.get(pk=unit.pk).status == "on_hold"
    assert ncr.photo.read() == PNG


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_raised(started, operator_client):
    url = reverse("quality:report-problem", args=[started.unit.serial, started.step1.pk])
    response = operator_client.post(
        url, {"description": "x", "photo": SimpleUploadedFile("p.png", b"<svg>", "image/png")}
    )
    assert response.status_code == 422
    assert Ncr.objects.count() == 0
    assert Unit.objects.get(pk=started.unit.pk).status == "in_progress"


def test_contained_units_are_acted_on_together_each_signed(at_step2, operator, inspector, inspector_client):
    # given the PCB lot of unit 1 contained under a lot NCR
    outcome = containment.contain_lot(
        lot=at_step2.pcb_serials[0], description="Supplier recall", actor=inspector
    )
    assert [unit.serial for unit in outcome.held_units] == [at_step2.unit.serial]
    # when the inspector scraps the contained unit from the lot NCR
    response = inspector_client.post(
        reverse("quality:ncr-contained-disposition", args=[outcome.ncr.pk]),
        {
            "units": [at_step2.unit.serial],
            "decision": "scrap",
            "reason": "Recall",
            "username": "ines",
            "password": PASSWORD,
            "meaning": "approved",
        },
    )
    # then the unit has its own NCR, dispositioned and signed, and is scrapped
    assert response.status_code == 302
    child = Ncr.objects.get(parent=outcome.ncr)
    assert (child.status, child.decision, child.unit_id) == ("dispositioned", "scrap", at_step2.unit.pk)
    assert Unit.objects.get(pk=at_step2.unit.pk).status == "scrapped"


def test_the_pdf_report_carries_the_signatures(
    ncr_at_step2, inspector, inspector_client, django_capture_on_commit_callbacks
):
    from quality import printing
    from quality.services import dispositions
    from tests.quality.conftest import sig

    dispositions.disposition_ncr(
        ncr=ncr_at_step2,
        decision="scrap",
        reason="Beyond repair",
        signatures=[sig(inspector)],
        actor=inspector,
    )
    html = printing.ncr_html(ncr_at_step2.pk)
    assert "Ines Inspector (ines)" in html and "@bottom-left" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = inspector_client.post(reverse("quality:ncr-pdf", args=[ncr_at_step2.pk]))
    assert response.status_code == 302
    from core.models import RenderedDocument

    document = RenderedDocument.objects.get(kind="ncr-report")
    assert document.status == "ready", document.error
    content = document.file.read()
    assert content.startswith(b"%PDF")
    assert io.BytesIO(content).getbuffer().nbytes > 1000


def test_inspector_home_is_the_queue(inspector_client):
    assert inspector_client.get("/").url == reverse("quality:ncr-queue")


def test_an_out_of_tolerance_from_another_unit_shows_in_the_queue(at_step2, operator, inspector_client):
    out_of_tolerance(at_step2, operator, "0.2")
    assert Ncr.objects.get().number in inspector_client.get(reverse("quality:ncr-queue")).text
