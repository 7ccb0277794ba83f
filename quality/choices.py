"""Lifecycles of quality records. Only `quality.services` move an NCR's status."""

from collections.abc import Mapping
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class NcrStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_REVIEW = "in_review", _("In review")
    DISPOSITIONED = "dispositioned", _("Dispositioned")
    CLOSED = "closed", _("Closed")


NCR_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    NcrStatus.OPEN: frozenset({NcrStatus.IN_REVIEW, NcrStatus.DISPOSITIONED}),
    NcrStatus.IN_REVIEW: frozenset({NcrStatus.DISPOSITIONED}),
    NcrStatus.DISPOSITIONED: frozenset({NcrStatus.CLOSED}),
    NcrStatus.CLOSED: frozenset(),
}

# Statuses that keep the unit's hold open: not yet dispositioned by an inspector (invariant 5).
UNRESOLVED_NCR_STATUSES: Final[frozenset[str]] = frozenset({NcrStatus.OPEN, NcrStatus.IN_REVIEW})


class NcrSource(models.TextChoices):
    OUT_OF_TOLERANCE = "out_of_tolerance", _("Result out of tolerance")
    MANUAL = "manual", _("Raised by hand")
    LOT = "lot", _("Suspect lot")


class Decision(models.TextChoices):
    USE_AS_IS = "use_as_is", _("Use as is")
    REWORK = "rework", _("Rework")
    REPAIR = "repair", _("Repair")
    SCRAP = "scrap", _("Scrap")
    RETURN_TO_VENDOR = "return_to_vendor", _("Return to vendor")


# A lot-level NCR whose quantity is split between several decisions records this on `Ncr.decision`.
SPLIT_DECISION: Final[str] = "split"

# Decisions that need a second signature (the review board) unless settings say otherwise.
DEFAULT_REVIEW_BOARD_DECISIONS: Final[tuple[str, ...]] = ("use_as_is", "repair")

# Decisions that act on a lot (every decision may act on a unit).
LOT_DECISIONS: Final[frozenset[str]] = frozenset({"use_as_is", "scrap", "return_to_vendor"})


class NcrEventKind(models.TextChoices):
    RAISED = "raised", _("Raised")
    STATUS = "status", _("Status changed")
    NOTE = "note", _("Note")
    DISPOSITION = "disposition", _("Dispositioned")
    SIGNED = "signed", _("Signed")
    CONTAINMENT = "containment", _("Containment")
