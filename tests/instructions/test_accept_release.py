import json

import pytest

from core.errors import DomainError
from core.models import AuditEntry, OutboxEvent
from instructions.choices import RevisionStatus
from instructions.models import Characteristic, MaterialRequirement, Revision, Step
from instructions.selectors import effective_revision
from tests.conftest import accept


@pytest.mark.invariant(9)
def test_a_valid_release_is_stored_whole(release_b_document, engineer):
    result = accept(release_b_document, engineer)
    revision = result.revision
    assert result.created is True
    assert (revision.product.part_number, revision.revision, revision.status) == (
        "100-200",
        "B",
        RevisionStatus.RELEASED,
    )
    assert Step.objects.filter(revision=revision).count() == 2
    assert MaterialRequirement.objects.filter(step__revision=revision).count() == 3
    assert list(Characteristic.objects.filter(revision=revision).values_list("code", flat=True)) == ["TQ1"]
    assert OutboxEvent.objects.filter(type="revision.accepted").count() == 1
    assert AuditEntry.objects.filter(action="revision.accepted").count() == 1


@pytest.mark.invariant(9)
def test_an_identical_resend_is_a_no_op(release_b_document, engineer):
    first = accept(release_b_document, engineer)
    again = accept(release_b_document, engineer)
    assert again.created is False
    assert again.revision.pk == first.revision.pk
    assert Revision.objects.count() == 1
    assert OutboxEvent.objects.count() == 1


@pytest.mark.invariant(9)
def test_different_content_under_an_existing_revision_is_refused(release_b_document, engineer):
    accept(release_b_document, engineer)
    release_b_document["operations"][0]["title"] = "Mount the PCB"
    with pytest.raises(DomainError) as refused:
        accept(release_b_document, engineer)
    assert (refused.value.code, refused.value.status, refused.value.path) == (
        "revision_exists",
        409,
        "/revision",
    )
    assert Revision.objects.get().operations.get().title == "Mount PCB"


def test_the_raw_document_and_its_sha256_are_kept(release_b_document, engineer):
    import hashlib

    raw = json.dumps(release_b_document).encode()
    revision = accept(release_b_document, engineer).revision
    assert bytes(revision.raw_document) == raw
    assert revision.document_sha256 == hashlib.sha256(raw).hexdigest()


def test_a_new_revision_supersedes_the_old(released_b, released_c):
    released_b.refresh_from_db()
    assert released_b.status == RevisionStatus.SUPERSEDED
    assert released_c.supersedes_id == released_b.pk


def test_effectivity_picks_the_revision_for_serial_and_date(released_b, released_c):
    from datetime import date

    assert effective_revision("100-200", serial="PC-01000", on=date(2026, 11, 5)) == released_c
    assert effective_revision("100-200", serial="PC-00999", on=date(2026, 11, 5)) == released_b
    assert effective_revision("100-200", serial="PC-01000", on=date(2026, 11, 1)) == released_b
    assert effective_revision("100-200", serial="XX-01000", on=date(2026, 11, 5)) is None
    assert effective_revision("100-200", serial="PC-00005", on=date(2026, 1, 1)) is None


@pytest.mark.invariant(1)
def test_a_draft_is_never_effective(release_b_document, engineer):
    accept(release_b_document, engineer, draft=True)
    assert effective_revision("100-200", serial="PC-00005") is None


def test_instruction_markdown_is_rendered_with_raw_html_escaped(release_b_document, engineer):
    release_b_document["operations"][0]["steps"][0]["instruction"] = (
        "Use **care**. <script>alert(1)</script> [x](javascript:alert(1))"
    )
    step = accept(release_b_document, engineer).revision.steps.first()
    assert "<strong>care</strong>" in step.instruction_html
    assert "<script>" not in step.instruction_html
    assert "&lt;script&gt;" in step.instruction_html
    assert 'href="javascript:' not in step.instruction_html


@pytest.mark.invariant(9)
@pytest.mark.parametrize(
    "change,pointer",
    [
        (lambda d: d["product"].update(tracking="lot"), "/product/tracking"),
        (lambda d: d["product"].update(uom="PCS"), "/product/uom"),
        (lambda d: d["parts"][0].update(tracking="lot"), "/parts/0/tracking"),
        (lambda d: d["parts"][2].update(uom="L"), "/parts/2/uom"),
    ],
    ids=["product_tracking_case", "product_uom_case", "part_tracking_case", "part_uom_case"],
)
def test_a_new_revision_cannot_change_how_a_known_part_is_tracked_or_counted(
    released_b, release_document, engineer, change, pointer
):
    change(release_document)
    with pytest.raises(DomainError) as refused:
        accept(release_document, engineer)
    assert [(error.code, error.path) for error in refused.value.errors] == [("master_data_changed", pointer)]
    assert Revision.objects.count() == 1


def test_a_draft_sets_no_master_data(release_b_document, engineer):
    from instructions.models import Part, Product

    release_b_document["product"]["uom"] = "PCS"
    release_b_document["parts"][1]["tracking"] = "none"
    accept(release_b_document, engineer, draft=True)
    assert Part.objects.count() == 0
    # the real release is not bound by what the draft said
    release_b_document["product"]["uom"] = "EA"
    release_b_document["parts"][1]["tracking"] = "lot"
    accept(release_b_document, engineer)
    assert Product.objects.get().uom == "EA"
    assert Part.objects.get(part_number="300-550").tracking == "lot"
