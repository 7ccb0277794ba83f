"""What quality tells the kernel: its audit actions, its subjects, and home pages."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import texts
from core.audit_labels import register_actions, register_subject
from core.choices import Role
from core.outbox import register_event_types
from core.views import register_home
from quality import events

register_event_types([events.NCR_RAISED, events.NCR_IN_REVIEW, events.NCR_DISPOSITIONED, events.NCR_CLOSED])

register_actions(
    {
        "ncr.raised": _("NCR raised"),
        "ncr.in_review": _("NCR taken into review"),
        "ncr.dispositioned": _("NCR dispositioned"),
        "ncr.closed": _("NCR closed"),
    }
)


def _ncr_links(ids) -> dict[str, tuple[str, str]]:
    from quality.models import Ncr

    return {
        str(pk): (reverse("quality:ncr-detail", args=[pk]), number)
        for pk, number in Ncr.objects.filter(pk__in=ids).values_list("pk", "number")
    }


register_subject("quality.ncr", _("NCR"), _ncr_links)
register_home(Role.INSPECTOR, "quality:ncr-queue", rank=10)


def _decisions():
    from quality.choices import Decision

    return Decision


texts.register_choices("quality.choices")
texts.register("ncr.out_of_tolerance", _("{code} {name} out of tolerance on unit {serial}."))
texts.register("ncr.lot_contained", _("Contains lot {lot} under {number}: {description}"))
texts.register("ncr.hold_kept", _("Hold kept: the unit still has open NCRs ({numbers})."))
texts.register(
    "ncr.lot_stays_quarantined", _("Lot {lot} stays quarantined: NCRs naming it are still open ({numbers}).")
)
texts.register("ncr.taken_into_review", _("Taken into review"))
texts.register("ncr.photo_attached", _("Photo attached"))
texts.register(
    "hold.released_by_disposition",
    _("Released by the disposition of {ncr} ({decision}): {reason}"),
    {"decision": _decisions},
)
