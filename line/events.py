"""The line's outbound events (invariant 10): one function per event type, one payload shape each.

A service hands one of them to `core.acts.record` as its act's `acts.Event`: one event per act.
"""

from decimal import Decimal
from typing import Any

UNIT_STARTED = "unit.started"
UNIT_COMPLETED = "unit.completed"
UNIT_HELD = "unit.held"
UNIT_HOLD_RELEASED = "unit.hold_released"
UNIT_SCRAPPED = "unit.scrapped"
STEP_SIGNED_OFF = "step.signed_off"
STEP_REOPENED = "step.reopened"
LOT_RECEIVED = "lot.received"
LOT_CONSUMED = "lot.consumed"
LOT_QUARANTINED = "lot.quarantined"
LOT_RELEASED = "lot.released"
LOT_EXPIRED = "lot.expired"
RESULT_RECORDED = "result.recorded"
WORK_ORDER_CREATED = "work_order.created"
WORK_ORDER_COMPLETED = "work_order.completed"
TOOL_SCANNED = "tool.scanned"
HELP_CALLED = "help.called"
UNIT_ECO_DECIDED = "unit.eco_decided"
AS_BUILT_READY = "as_built.ready"


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def unit_subject(unit) -> str:
    return "unit:{}".format(unit.serial)


def lot_subject(lot) -> str:
    return "lot:{}".format(lot.code)


def unit_data(unit, **extra: Any) -> dict[str, Any]:
    data = {
        "serial": unit.serial,
        "status": unit.status,
        "work_order": unit.work_order.number,
        "revision": {
            "id": unit.revision_id,
            "part_number": unit.revision.product.part_number,
            "revision": unit.revision.revision,
        },
        "station": unit.station.code if unit.station_id else None,
    }
    data.update(extra)
    return data


def lot_data(lot, **extra: Any) -> dict[str, Any]:
    data = {
        "lot": lot.code,
        "part_number": lot.part.part_number,
        "part_revision": lot.part_revision,
        "status": lot.status,
        "quantity_remaining": _number(lot.quantity_remaining),
    }
    data.update(extra)
    return data


def quantity(value: Decimal | None) -> str | None:
    return _number(value)
