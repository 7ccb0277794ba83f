"""What the line tells the kernel: its audit actions, its subjects, and home pages."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import texts
from core.audit_labels import register_actions, register_subject
from core.choices import Role
from core.outbox import register_event_types
from core.views import register_home
from line import events

register_event_types(
    value for name, value in vars(events).items() if name.isupper() and isinstance(value, str)
)

register_actions(
    {
        "as_built.ready": _("As-built record ready"),
        "help.answered": _("Call for help answered"),
        "help.called": _("Help called"),
        "lot.consumed": _("Lot consumed"),
        "lot.dispositioned": _("Lot dispositioned"),
        "lot.expired": _("Lot expired"),
        "lot.quarantined": _("Lot quarantined"),
        "lot.received": _("Lot received"),
        "lot.released": _("Lot released"),
        "qualification.granted": _("Qualification granted"),
        "result.recorded": _("Result recorded"),
        "scan.refused": _("Scan refused"),
        "station.assigned": _("Station assigned"),
        "station.registered": _("Station registered"),
        "station.pin_locked": _("Badge locked after wrong PINs"),
        "station.sign_in_refused": _("Sign-in at station refused"),
        "station.signed_in": _("Signed in at station"),
        "station.signed_out": _("Signed out of station"),
        "station.unassigned": _("Station unassigned"),
        "station.updated": _("Station changed"),
        "step.reopened": _("Step reopened"),
        "step.signed_off": _("Step signed off"),
        "tablet.bound": _("Tablet bound to station"),
        "tablet.unbound": _("Tablet unbound"),
        "tool.registered": _("Tool registered"),
        "tool.updated": _("Tool changed"),
        "tool.scanned": _("Tool scanned"),
        "unit.completed": _("Unit completed"),
        "unit.eco_decided": _("Engineering change decided for unit"),
        "unit.held": _("Unit put on hold"),
        "unit.hold_released": _("Unit hold released"),
        "unit.moved": _("Unit moved"),
        "unit.scrapped": _("Unit scrapped"),
        "unit.started": _("Unit started"),
        "work_order.completed": _("Work order completed"),
        "work_order.created": _("Work order created"),
    }
)


def _unit_links(ids) -> dict[str, tuple[str, str]]:
    from line.models import Unit

    return {
        str(pk): (reverse("mes:unit-as-built", args=[serial]), serial)
        for pk, serial in Unit.objects.filter(pk__in=ids).values_list("pk", "serial")
    }


register_subject("mes.unit", _("Unit"), _unit_links)
register_home(Role.OPERATOR, "mes:station-home", rank=10)

texts.register_choices("line.choices")
texts.register(
    "hold.eco_review",
    _("Revision {new} supersedes {old} with 'stop and review': an engineer decides how this unit goes on."),
)
texts.register("hold.lot_contained", _("Contains quarantined lot {lot}: {reason}"))
