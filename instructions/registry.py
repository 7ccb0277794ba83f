"""What the instructions app tells the kernel: its audit actions, its subjects, and home pages."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import texts
from core.audit_labels import register_actions, register_subject
from core.choices import Role
from core.outbox import register_event_types
from core.views import register_home

register_event_types(["revision.accepted"])

register_actions(
    {
        "revision.accepted": _("Revision accepted"),
        "revision.draft_uploaded": _("Draft uploaded"),
        "revision.superseded": _("Revision superseded"),
    }
)


def _revision_links(ids) -> dict[str, tuple[str, str]]:
    from instructions.models import Revision

    return {
        str(pk): (
            reverse("instructions:revision-detail", args=[pk]),
            "{} {} {}".format(part_number, gettext("rev"), revision),
        )
        for pk, part_number, revision in Revision.objects.filter(pk__in=ids).values_list(
            "pk", "product__part_number", "revision"
        )
    }


register_subject("instructions.revision", _("Revision"), _revision_links)
for role in (Role.INSPECTOR, Role.ENGINEER, Role.ADMIN):
    register_home(role, "instructions:product-list", rank=20)

texts.register_choices("instructions.choices")
