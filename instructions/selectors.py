"""Reads of the released definition, for screens, the API and the other apps."""

from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from instructions.models import Characteristic, MaterialRequirement, Operation, Product, Revision, Step, StepMedia


def effective_revision(part_number: str, *, serial: str | None = None, on: date | None = None) -> Revision | None:
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
    """One revision with operations, steps, materials, characteristics and media: a fixed number of queries."""
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
