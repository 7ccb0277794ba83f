"""What each audit action code means, in words a person reads on the audit trail.

The code stays the record (it is what the API and exports carry); the label is for screens.
An action not listed here is shown by its code alone.
"""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "api_token.created": _("API token created"),
    "api_token.revoked": _("API token revoked"),
    "document.requested": _("PDF requested"),
    "help.answered": _("Call for help answered"),
    "help.called": _("Help called"),
    "identity.created": _("Identity created"),
    "identity.language_set": _("Language chosen"),
    "lot.consumed": _("Lot consumed"),
    "lot.dispositioned": _("Lot dispositioned"),
    "lot.expired": _("Lot expired"),
    "lot.quarantined": _("Lot quarantined"),
    "lot.received": _("Lot received"),
    "lot.released": _("Lot released"),
    "ncr.raised": _("NCR raised"),
    "ncr.in_review": _("NCR taken into review"),
    "ncr.dispositioned": _("NCR dispositioned"),
    "ncr.closed": _("NCR closed"),
    "qualification.granted": _("Qualification granted"),
    "result.recorded": _("Result recorded"),
    "revision.accepted": _("Revision accepted"),
    "revision.draft_uploaded": _("Draft uploaded"),
    "revision.superseded": _("Revision superseded"),
    "scan.refused": _("Scan refused"),
    "signature.refused": _("Signature refused"),
    "signature.signed": _("Signed electronically"),
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
    "webhook.created": _("Webhook created"),
    "work_order.completed": _("Work order completed"),
    "work_order.created": _("Work order created"),
}

# Subjects with a screen of their own: (audit subject type, label).
SUBJECT_LABELS = {
    "mes.unit": _("Unit"),
    "quality.ncr": _("NCR"),
    "instructions.revision": _("Revision"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else ""
