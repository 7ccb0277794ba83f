"""Preview as operator: the shared step screen of any revision, marked PREVIEW, recording nothing."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry, OutboxEvent
from instructions.choices import RevisionStatus
from instructions.models import Revision, StepMedia
from instructions.selectors import preview_screen
from instructions.services.releases import accept_release
from tests.conftest import accept
from tests.instructions.media_bundle import MEDIA, SVG, bundle_with_media
from tests.instructions.test_screens_revisions import _more_steps


def _enabled_controls(html: str) -> list[str]:
    """Forms that post and buttons that are not disabled, inside the step screen."""
    screen = html[html.index('id="step-screen"') :]
    forms = re.findall(r"<form[^>]*>", screen)
    buttons = [b for b in re.findall(r"<button[^>]*>", screen) if "disabled" not in b]
    return forms + buttons


@pytest.mark.invariant(1)
def test_preview_shows_step_one_of_n_marked_preview(engineer_client, released_c, django_assert_num_queries):
    url = reverse("instructions:revision-preview", args=[released_c.pk, 1])
    with django_assert_num_queries(
        7
    ):  # session, user, step (+operation, revision, product), materials, characteristics, media, parts
        response = engineer_client.get(url)
    assert response.status_code == 200
    html = response.text
    assert 'class="preview-mark"' in html
    assert "PREVIEW" in html and "100-200 rev C · ECO-1042" in html
    assert "Step 1 of 2" in html
    assert '<h2 class="step-title">Place PCB in housing</h2>' in html
    assert "Align the <strong>notch</strong> with the locating pin." in html
    assert "200-010 Controller PCB" in html and "Allowed revisions</span> B" in html
    assert "ESD-1" in html
    assert 'class="body-line' not in html and 'class="line is-preview"' in html
    assert reverse("instructions:revision-preview", args=[released_c.pk, 2]) in html  # next
    assert 'rel="prev"' not in html
    assert _enabled_controls(html) == []


@pytest.mark.invariant(1)
def test_preview_of_the_last_step_shows_limits_tools_and_signoff(engineer_client, released_c):
    response = engineer_client.get(reverse("instructions:revision-preview", args=[released_c.pk, 2]))
    html = response.text
    assert "Step 2 of 2" in html
    assert "TQ1 Screw torque" in html
    assert "Nominal</span> 0.6 N.m" in html
    assert "Lower limit</span> 0.55 N.m" in html and "Upper limit</span> 0.65 N.m" in html
    assert "Gauge</span> torque driver" in html
    assert "VIS1 No lifted pads or cracks" in html and "Pass / fail" in html
    assert "300-550 M3x8 screw" in html and "Quantity</span> 4 EA" in html
    assert "300-900 Thread locker" in html and "Quantity</span> 0.2 ML" in html
    assert 'data-need="tool:TD-0.6"' in html
    assert "Operator, then an inspector countersigns" in html
    assert 'rel="prev"' in html and 'rel="next"' not in html
    assert "PREVIEW" in html
    assert _enabled_controls(html) == []


def test_htmx_navigation_answers_the_step_screen_and_the_mark(engineer_client, released_c):
    response = engineer_client.get(
        reverse("instructions:revision-preview", args=[released_c.pk, 2]), headers={"HX-Request": "true"}
    )
    html = response.text
    assert html.lstrip().startswith('<div id="step-screen"')
    assert 'id="preview-mark" class="preview-mark" role="status" hx-swap-oob="true"' in html
    assert "<html" not in html
    assert response["Vary"] == "HX-Request, Cookie" or "HX-Request" in response["Vary"]


def test_preview_query_count_does_not_grow_with_steps(
    engineer_client, release_document, engineer, django_assert_num_queries
):
    revision = accept(_more_steps(release_document, "Z", 30), engineer).revision
    with django_assert_num_queries(7):
        response = engineer_client.get(reverse("instructions:revision-preview", args=[revision.pk, 20]))
    assert "Step 20 of 32" in response.text


def test_preview_start_url_opens_step_one(engineer_client, released_b):
    response = engineer_client.get(reverse("instructions:revision-preview-start", args=[released_b.pk]))
    assert "Step 1 of 2" in response.text


def test_a_step_beyond_the_last_is_not_found(engineer_client, released_b):
    assert (
        engineer_client.get(reverse("instructions:revision-preview", args=[released_b.pk, 3])).status_code
        == 404
    )
    assert (
        engineer_client.get(reverse("instructions:revision-preview", args=[released_b.pk, 0])).status_code
        == 404
    )


def test_operators_cannot_preview(operator_client, released_b):
    assert (
        operator_client.get(reverse("instructions:revision-preview", args=[released_b.pk, 1])).status_code
        == 403
    )


@pytest.mark.invariant(1)
def test_draft_preview_is_marked_draft_on_every_step(engineer_client, release_document, engineer):
    draft = accept(release_document, engineer, draft=True).revision
    for position in (1, 2):
        html = engineer_client.get(reverse("instructions:revision-preview", args=[draft.pk, position])).text
        assert "PREVIEW · DRAFT, NEVER BUILT" in html
        assert _enabled_controls(html) == []


def test_step_screen_dataclass_lets_the_line_mark_needs_done(released_c):
    # given the preview screen of step 2 (as the line would build it)
    screen = preview_screen(released_c.pk, 2)
    assert [need.key for need in screen.open_needs] == [
        "material:300-550",
        "material:300-900",
        "characteristic:TQ1",
        "characteristic:VIS1",
        "tool:TD-0.6",
    ]
    # when the line marks the screws and the torque recorded
    live = screen.with_recorded({"material:300-550": "LOT-77", "characteristic:TQ1": "0.61 N.m"})
    # then those needs are done and the others still open
    assert [need.key for need in live.open_needs] == [
        "material:300-900",
        "characteristic:VIS1",
        "tool:TD-0.6",
    ]
    assert live.is_complete is False
    assert [n.recorded for n in live.needs if n.done] == ["LOT-77", "0.61 N.m"]


# --- Uploading a draft to preview ----------------------------------------------------------------


@pytest.mark.invariant(1)
def test_engineer_uploads_a_draft_and_lands_on_its_preview(engineer_client, release_document):
    upload = SimpleUploadedFile(
        "release.json", __import__("json").dumps(release_document).encode(), "application/json"
    )
    response = engineer_client.post(
        reverse("instructions:draft-upload"), {"document": upload, "idempotency_key": "k-1"}
    )
    draft = Revision.objects.get()
    assert draft.status == RevisionStatus.DRAFT
    assert response.status_code == 302
    assert response["Location"] == reverse("instructions:revision-preview", args=[draft.pk, 1])
    assert AuditEntry.objects.filter(action="revision.draft_uploaded").count() == 1
    assert OutboxEvent.objects.filter(type="revision.accepted").count() == 0  # a draft is not a release


def test_a_refused_draft_lists_each_problem_with_its_pointer_and_stores_nothing(
    engineer_client, release_document
):
    release_document["operations"][0]["steps"][1]["characteristics"][0]["upper"] = 0.5  # below nominal
    upload = SimpleUploadedFile(
        "release.json", __import__("json").dumps(release_document).encode(), "application/json"
    )
    response = engineer_client.post(reverse("instructions:draft-upload"), {"document": upload})
    assert response.status_code == 422
    assert "/operations/0/steps/1/characteristics/0" in response.text
    assert "The document was refused" in response.text
    assert Revision.objects.count() == 0


def test_a_file_that_is_neither_json_nor_zip_is_refused(engineer_client, db):
    upload = SimpleUploadedFile("release.txt", b"hello", "text/plain")
    response = engineer_client.post(reverse("instructions:draft-upload"), {"document": upload})
    assert response.status_code == 422
    assert "Choose a .json release document or a .zip bundle" in response.text
    assert Revision.objects.count() == 0


def test_inspectors_cannot_upload_drafts(inspector_client, release_document):
    upload = SimpleUploadedFile("release.json", b"{}", "application/json")
    assert (
        inspector_client.post(reverse("instructions:draft-upload"), {"document": upload}).status_code == 403
    )
    assert Revision.objects.count() == 0


# --- Media ----------------------------------------------------------------------------------------


@pytest.fixture
def draft_with_media(release_document, engineer):
    return accept_release(
        payload=bundle_with_media(release_document),
        content_type="application/zip",
        actor=engineer,
        draft=True,
    ).revision


def test_preview_embeds_image_video_and_pdf(engineer_client, draft_with_media):
    media = {item.path: item for item in StepMedia.objects.filter(step__revision=draft_with_media)}
    step1 = engineer_client.get(reverse("instructions:revision-preview", args=[draft_with_media.pk, 1])).text
    step2 = engineer_client.get(reverse("instructions:revision-preview", args=[draft_with_media.pk, 2])).text
    png_url = reverse("instructions:step-media", args=[media["media/notch.png"].pk])
    assert '<img src="{}" alt="Notch at top left">'.format(png_url) in step1
    assert (
        '<img src="{}" alt="Cross pattern">'.format(
            reverse("instructions:step-media", args=[media["media/pattern.svg"].pk])
        )
        in step1
    )
    assert (
        '<iframe class="step-pdf" src="{}"'.format(
            reverse("instructions:step-media", args=[media["media/torque.pdf"].pk])
        )
        in step2
    )
    assert (
        '<video src="{}" controls'.format(
            reverse("instructions:step-media", args=[media["media/fasten.mp4"].pk])
        )
        in step2
    )


@pytest.mark.parametrize("path", sorted(MEDIA))
def test_media_is_streamed_with_its_stored_type_and_nosniff(
    engineer_client, draft_with_media, path, django_assert_num_queries
):
    item = StepMedia.objects.get(step__revision=draft_with_media, path=path)
    with django_assert_num_queries(3):  # session, user, media (+ step, revision)
        response = engineer_client.get(reverse("instructions:step-media", args=[item.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MEDIA[path][0]
    assert response["Content-Type"] == item.content_type
    assert response["X-Content-Type-Options"] == "nosniff"


def test_svg_is_served_with_a_policy_that_runs_no_script(engineer_client, draft_with_media):
    item = StepMedia.objects.get(step__revision=draft_with_media, path="media/pattern.svg")
    response = engineer_client.get(reverse("instructions:step-media", args=[item.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert b"".join(response.streaming_content) == SVG


def test_png_keeps_the_site_policy(engineer_client, draft_with_media):
    item = StepMedia.objects.get(step__revision=draft_with_media, path="media/notch.png")
    response = engineer_client.get(reverse("instructions:step-media", args=[item.pk]))
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.invariant(1)
def test_operators_cannot_fetch_a_drafts_media(operator_client, draft_with_media):
    item = StepMedia.objects.filter(step__revision=draft_with_media).first()
    assert operator_client.get(reverse("instructions:step-media", args=[item.pk])).status_code == 404


def test_operators_fetch_media_of_a_released_revision(operator_client, release_document, engineer):
    release_document.pop("supersedes")
    revision = accept_release(
        payload=bundle_with_media(release_document), content_type="application/zip", actor=engineer
    ).revision
    item = StepMedia.objects.get(step__revision=revision, path="media/notch.png")
    response = operator_client.get(reverse("instructions:step-media", args=[item.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_unknown_media_is_not_found(engineer_client, db):
    assert engineer_client.get(reverse("instructions:step-media", args=[12345])).status_code == 404
