"""Reads of the released definition, for screens, the API and the other apps."""

from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from instructions.models import (
    Characteristic,
    MaterialRequirement,
    Operation,
    Product,
    Revision,
    RevisionPart,
    Step,
    StepMedia,
)
from instructions.screens import StepScreen, media_items, step_needs


def effective_revision(
    part_number: str, *, serial: str | None = None, on: date | None = None
) -> Revision | None:
    """The revision a unit of this product is built to: among released revisions whose
    effectivity covers the serial and the date, the most recently released one.

    Drafts never qualify (invariant 1). A superseded revision still qualifies where its
    effectivity is the only one that covers the serial (units below the new serial_from).
    """
    on = on or timezone.localdate()
    candidates = (
        Revision.objects.executable()
        .filter(product__part_number=part_number)
        .select_related("product")
        .order_by("-released_at", "-accepted_at", "-id")
    )
    for revision in candidates:
        if revision.covers(serial=serial, on=on):
            return revision
    return None


def revision_in_full(revision_id: int) -> Revision | None:
    """One revision with operations, steps, materials, characteristics and media: a fixed number of
    queries."""
    return (
        Revision.objects.select_related("product", "supersedes", "accepted_by")
        .prefetch_related(
            Prefetch(
                "operations",
                queryset=Operation.objects.order_by("sequence").prefetch_related(
                    Prefetch(
                        "steps",
                        queryset=Step.objects.order_by("sequence").prefetch_related(
                            Prefetch("materials", queryset=MaterialRequirement.objects.order_by("order")),
                            Prefetch("characteristics", queryset=Characteristic.objects.order_by("order")),
                            Prefetch("media", queryset=StepMedia.objects.order_by("order")),
                        ),
                    )
                ),
            )
        )
        .filter(pk=revision_id)
        .first()
    )


def products_with_revisions():
    return Product.objects.prefetch_related(
        Prefetch("revisions", queryset=Revision.objects.order_by("-accepted_at", "-id"))
    ).order_by("part_number")


# --- Engineer screens -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductDetail:
    product: Product
    revisions: list[Revision]  # newest first


def product_detail(product_id: int) -> ProductDetail | None:
    """A product and all its revisions (drafts included): two queries whatever their number."""
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        return None
    revisions = list(
        Revision.objects.filter(product=product)
        .select_related("supersedes", "accepted_by")
        .defer("document", "raw_document", "supersedes__document", "supersedes__raw_document")
        .order_by("-accepted_at", "-id")
    )
    for revision in revisions:
        revision.product = product  # no query per row for str(revision)
    return ProductDetail(product=product, revisions=revisions)


@dataclass(frozen=True)
class RevisionDetail:
    revision: Revision
    parts: dict[str, RevisionPart]


def _in_full_queryset():
    return Revision.objects.select_related("product", "supersedes", "accepted_by").prefetch_related(
        Prefetch("parts", queryset=RevisionPart.objects.order_by("part_number")),
        Prefetch(
            "operations",
            queryset=Operation.objects.order_by("sequence").prefetch_related(
                Prefetch(
                    "steps",
                    queryset=Step.objects.order_by("sequence").prefetch_related(
                        Prefetch("materials", queryset=MaterialRequirement.objects.order_by("order")),
                        Prefetch("characteristics", queryset=Characteristic.objects.order_by("order")),
                        Prefetch("media", queryset=StepMedia.objects.order_by("order")),
                    ),
                )
            ),
        ),
    )


def revision_detail(revision_id: int) -> RevisionDetail | None:
    """One revision in full with its parts list: seven queries whatever its size."""
    revision = _in_full_queryset().filter(pk=revision_id).first()
    if revision is None:
        return None
    return RevisionDetail(revision=revision, parts={part.part_number: part for part in revision.parts.all()})


def revisions_in_full(*revision_ids: int) -> dict[int, Revision]:
    """Several revisions in full (for a comparison): seven queries in all."""
    return {revision.pk: revision for revision in _in_full_queryset().filter(pk__in=revision_ids)}


def revision_choices() -> list[Revision]:
    """Every revision, with its product, for the comparison pickers."""
    return list(
        Revision.objects.select_related("product")
        .only("id", "revision", "status", "release_id", "product__part_number", "product__name")
        .order_by("product__part_number", "accepted_at", "id")
    )


def preview_screen(revision_id: int, position: int) -> StepScreen | None:
    """The operator screen of step `position` (1..N) of a revision, as the line will show it:
    five queries whatever the revision's size."""
    step = (
        Step.objects.select_related("operation", "revision__product")
        .defer("revision__document", "revision__raw_document")
        .prefetch_related(
            Prefetch("materials", queryset=MaterialRequirement.objects.order_by("order")),
            Prefetch("characteristics", queryset=Characteristic.objects.order_by("order")),
            Prefetch("media", queryset=StepMedia.objects.order_by("order")),
        )
        .filter(revision_id=revision_id, position=position)
        .first()
    )
    if step is None:
        return None
    revision = step.revision
    part_numbers = {material.part_number for material in step.materials.all()}
    parts = {
        part.part_number: part
        for part in RevisionPart.objects.filter(revision=revision, part_number__in=part_numbers)
    }
    total = revision.step_count
    screen = StepScreen(
        revision=revision,
        step=step,
        position=position,
        total=total,
        needs=step_needs(step, parts),
        media=media_items(step.media.all(), lambda item: reverse("instructions:step-media", args=[item.pk])),
        preview=True,
        is_draft=revision.is_draft,
    )
    return replace(
        screen,
        previous_url=reverse("instructions:revision-preview", args=[revision.pk, position - 1])
        if position > 1
        else None,
        next_url=reverse("instructions:revision-preview", args=[revision.pk, position + 1])
        if position < total
        else None,
        exit_url=reverse("instructions:revision-detail", args=[revision.pk]),
    )


def step_media(media_id: int) -> StepMedia | None:
    """A step's media file with the status of its revision (who may see it depends on it)."""
    return (
        StepMedia.objects.select_related("step__revision")
        .only(
            "id",
            "file",
            "content_type",
            "size",
            "path",
            "step__id",
            "step__revision__id",
            "step__revision__status",
        )
        .filter(pk=media_id)
        .first()
    )


def revision_with_product(revision_id: int) -> Revision | None:
    """One revision (any status) with its product: one query."""
    return Revision.objects.select_related("product").filter(pk=revision_id).first()


def executable_revision(revision_id: int) -> Revision | None:
    """One executable revision with its product and the revision it supersedes: one query."""
    return (
        Revision.objects.executable()
        .select_related("product", "supersedes__product")
        .filter(pk=revision_id)
        .first()
    )


def product_revisions(part_number: str) -> list[Revision]:
    """A product's revisions that left draft, oldest first, with product and predecessor: one query."""
    return list(
        Revision.objects.filter(product__part_number=part_number)
        .exclude(status="draft")
        .select_related("product", "supersedes")
        .order_by("accepted_at", "id")
    )


def step_of_revision(step_id: int, revision_id: int) -> Step | None:
    """A step of that revision (None when it belongs to another), with its operation."""
    return Step.objects.filter(pk=step_id, revision_id=revision_id).select_related("operation").first()
