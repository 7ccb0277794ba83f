"""Outbound events of quality (invariant 10): names and payloads, written by services with the change."""

from typing import Any

from core.acts import Event

NCR_RAISED = "ncr.raised"
NCR_IN_REVIEW = "ncr.in_review"
NCR_DISPOSITIONED = "ncr.dispositioned"
NCR_CLOSED = "ncr.closed"
NCR_STATUS_EVENTS = {
    "in_review": NCR_IN_REVIEW,
    "dispositioned": NCR_DISPOSITIONED,
    "closed": NCR_CLOSED,
}


def ncr_subject(ncr) -> str:
    return "ncr:{}".format(ncr.number)


def ncr_data(ncr, **extra: Any) -> dict[str, Any]:
    data = {
        "id": ncr.pk,
        "number": ncr.number,
        "status": ncr.status,
        "unit": ncr.unit.serial if ncr.unit_id else None,
        "step": ncr.step_id,
        "lot": ncr.lot.code if ncr.lot_id else None,
        "decision": ncr.decision or None,
    }
    data.update(extra)
    return data


def event(type: str, *, ncr, **extra: Any) -> Event:
    """The act's one event about the NCR (`core.acts.record` writes it)."""
    return Event(type, ncr_subject(ncr), ncr_data(ncr, **extra))
