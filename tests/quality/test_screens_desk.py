"""The NCR screens read as one: numbers and times in one format, rework steps by position and
title, one history line per act, the step's pictures, and the queue says how it is sorted."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from instructions.models import StepMedia
from quality.services import dispositions
from tests.quality.conftest import sig

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf0000000301010018dd8db00000000049454e44ae426082"
)


def detail(client, ncr) -> str:
    response = client.get(reverse("quality:ncr-detail", args=[ncr.pk]))
    assert response.status_code == 200
    return response.text


def text_of(html: str, element_id: str) -> str:
    """The text of the element with this id, tags dropped, whitespace collapsed."""
    start = html.index('id="{}"'.format(element_id))
    end = html.index("</section>", start)
    return " ".join(re.sub(r"<[^>]+>", " ", html[start:end]).split())


def test_numbers_and_times_read_the_same_as_on_the_tablet(ncr_at_step2, inspector_client):
    facts = text_of(detail(inspector_client, ncr_at_step2), "ncr-facts")
    assert "limits 0.55 … 0.65 N.m (nominal 0.6)" in facts
    assert "0.9 N.m" in facts and "0.9000" not in facts
    raised = ncr_at_step2.raised_at.strftime("%Y-%m-%d %H:%M")
    assert "Raised {} UTC".format(raised) in facts


def test_a_rework_names_the_steps_by_position_and_title(ncr_at_step2, inspector, inspector_client, line):
    dispositions.disposition_ncr(
        ncr=ncr_at_step2,
        decision="rework",
        reason="Re-torque",
        signatures=[sig(inspector)],
        actor=inspector,
        rework_steps=[line.step2.pk, line.step1.pk],
    )
    decision = text_of(detail(inspector_client, ncr_at_step2), "ncr-decision")
    assert "Rework · rework from 1. Place PCB in housing, 2. Fasten PCB" in decision
    assert "step ids" not in decision
    # and so does the printed report
    from quality.printing import ncr_html

    assert "rework from 1. Place PCB in housing, 2. Fasten PCB" in ncr_html(ncr_at_step2.pk)


def test_the_history_shows_one_line_per_act(ncr_at_step2, inspector, inspector_client):
    # given a raised NCR, taken into review, then dispositioned (the service writes the act and the status
    # move)
    from quality.services import ncrs

    ncrs.start_review(ncr=ncr_at_step2, actor=inspector)
    dispositions.disposition_ncr(
        ncr=ncr_at_step2,
        decision="scrap",
        reason="Beyond repair",
        signatures=[sig(inspector)],
        actor=inspector,
    )
    html = detail(inspector_client, ncr_at_step2)
    history = html[html.index('id="ncr-history"') :]
    lines = [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r"<li>(.*?)</li>", history, re.S)
    ]
    # then each act is one line: the dispositioning carries the status it led to
    kinds = [line.split(" · ")[1] for line in lines]
    assert kinds == [
        "Raised: Open",
        "Status changed: Open → In review",
        "Signed",
        "Dispositioned: In review → Dispositioned",
    ]
    assert all(" UTC · " in line for line in lines)


def test_the_step_as_the_operator_saw_it_shows_its_pictures(ncr_at_step2, inspector_client):
    # given the step shows a picture
    media = StepMedia(
        step=ncr_at_step2.step,
        order=0,
        path="media/notch.png",
        caption="Notch at top left",
        content_type="image/png",
        size=len(PNG),
        sha256="0" * 64,
    )
    media.file.save("notch.png", ContentFile(PNG), save=True)
    # then the NCR screen shows it, and the inspector may load it
    step = text_of(detail(inspector_client, ncr_at_step2), "ncr-step")
    html = detail(inspector_client, ncr_at_step2)
    url = reverse("instructions:step-media", args=[media.pk])
    assert '<img src="{}" alt="Notch at top left"'.format(url) in html
    assert "2. Fasten PCB" in step and step.endswith("Torque in a cross pattern. Notch at top left")
    assert inspector_client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("sort", "current", "other"),
    [("", "oldest first", "newest first"), ("newest", "newest first", "oldest first")],
)
def test_the_queue_says_which_order_is_current(ncr_at_step2, inspector_client, sort, current, other):
    html = inspector_client.get(reverse("quality:ncr-queue"), {"sort": sort} if sort else {}).text
    assert '<strong aria-current="true">{}</strong>'.format(current) in html
    assert ">{}</a>".format(other) in html
    assert "Sorted:" in html


def test_the_report_embeds_the_photo_as_a_data_uri(started, operator_client):
    # the PDF renderer fetches only data: URIs: a file:// photo would be left out
    from django.core.files.uploadedfile import SimpleUploadedFile

    from quality.models import Ncr
    from quality.printing import ncr_html

    url = reverse("quality:report-problem", args=[started.unit.serial, started.step1.pk])
    operator_client.post(
        url, {"description": "Housing cracked", "photo": SimpleUploadedFile("p.png", PNG, "image/png")}
    )
    html = ncr_html(Ncr.objects.get().pk)
    assert 'src="data:image/png;base64,' in html and "file:" not in html
