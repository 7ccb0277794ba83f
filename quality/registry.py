"""What quality tells the kernel: its audit actions, its subjects, and home pages."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit_labels import register_actions, register_subject
from core.choices import Role
from core.views import register_home

register_actions({
    "ncr.raised": _("NCR raised"),
    "ncr.in_review": _("NCR taken into review"),
    "ncr.dispositioned": _("NCR dispositioned"),
    "ncr.closed": _("NCR closed"),
})


def _ncr_links(ids) -> dict[str, tuple[str, str]]:
    from quality.models import Ncr

    return {str(pk): (reverse("quality:ncr-detail", args=[pk]), number)
            for pk, number in Ncr.objects.filter(pk__in=ids).values_list("pk", "number")}


register_subject("quality.ncr", _("NCR"), _ncr_links)
register_home(Role.INSPECTOR, "quality:ncr-queue", rank=10)
