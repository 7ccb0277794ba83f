"""Raising NCRs (the minimum the line needs now; dispositions come with the quality issue).

Whoever owns a state changes it: the unit's hold is placed by `mes.services.units.place_hold`,
called from here inside the same transaction.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mes.choices import HoldKind
from mes.core import audit, outbox
from mes.core.errors import DomainError
from quality.choices import NcrEventKind, NcrSource, NcrStatus
from quality.models import Ncr, NcrEvent

NCR_RAISED = "ncr.raised"


def _next_number() -> str:
    # The unit row lock of the caller serialises NCRs per unit; the unique constraint on `number`
    # catches a clash across units, and the outer transaction then fails loudly rather than reusing one.
    latest = Ncr.objects.aggregate(latest=Max("id"))["latest"] or 0
    return "NCR-{:06d}".format(latest + 1)


def _decimal(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def evidence_for(*, unit, step, characteristic, result, actor, station) -> dict:
    """What was known when the NCR was raised, frozen: unit, step, revision, characteristic, limits, value, gauge, who, when, where."""
    revision = unit.revision
    return {
        "unit": unit.serial,
        "work_order": unit.work_order.number if unit.work_order_id else None,
        "revision": {"id": revision.pk, "part_number": revision.product.part_number, "revision": revision.revision},
        "step": {"id": step.pk, "position": step.position, "title": step.title} if step is not None else None,
        "characteristic": {
            "code": characteristic.code, "name": characteristic.name, "kind": characteristic.kind,
            "nominal": _decimal(characteristic.nominal), "lower": _decimal(characteristic.lower),
            "upper": _decimal(characteristic.upper), "unit": characteristic.unit, "gauge": characteristic.gauge,
        } if characteristic is not None else None,
        "result": {
            "id": result.pk, "value": _decimal(result.value), "passed": result.passed, "in_tolerance": result.in_tolerance,
            "gauge": result.gauge.code if result.gauge_id else None,
            "recorded_at": result.occurred_at.isoformat(),
        } if result is not None else None,
        "operator": actor.username if actor is not None else None,
        "station": station.code if station is not None else None,
        "raised_at": timezone.now().isoformat(),
    }


@transaction.atomic
def raise_ncr(
    *, unit, description: str, actor, station=None, step=None, characteristic=None, result=None, lot=None,
    hold: bool = True,
) -> Ncr:
    """Raise an NCR with its evidence and (by default) hold the unit until it is dispositioned (invariant 5).

    Automatic when `result` is out of tolerance (source `out_of_tolerance`); by hand otherwise.
    """
    from mes.services import units as unit_services

    if not (description or "").strip():
        raise DomainError("description_required", _("Describe the non-conformance."), "description")
    source = NcrSource.OUT_OF_TOLERANCE if result is not None else (NcrSource.LOT if lot is not None and step is None else NcrSource.MANUAL)
    unit_hold = None
    if hold and unit is not None:
        unit_hold = unit_services.place_hold(
            unit=unit, kind=HoldKind.NCR, reason=description, actor=actor, station=station, lot=lot, step=step,
        )
    evidence = evidence_for(unit=unit, step=step, characteristic=characteristic, result=result, actor=actor, station=station) if unit else {}
    if lot is not None:
        evidence["lot"] = {"code": lot.code, "part_number": lot.part.part_number, "part_revision": lot.part_revision}
    ncr = Ncr.objects.create(
        number=_next_number(), status=NcrStatus.OPEN, source=source, unit=unit, step=step,
        revision=unit.revision if unit is not None else None, characteristic=characteristic, result=result, lot=lot,
        hold=unit_hold, description=description, value=result.value if result is not None else None,
        evidence=evidence, station_code=station.code if station is not None else "", raised_by=actor,
    )
    NcrEvent.objects.create(ncr=ncr, kind=NcrEventKind.RAISED, after=NcrStatus.OPEN, actor=actor,
                            station_code=ncr.station_code, reason=description)
    audit.record(actor=actor, action="ncr.raised", subject=ncr, station=ncr.station_code, summary="{} {}".format(ncr.number, description)[:300])
    outbox.emit(
        NCR_RAISED, subject="ncr:{}".format(ncr.number), actor=actor,
        data={"id": ncr.pk, "number": ncr.number, "status": ncr.status, "source": source,
              "unit": unit.serial if unit is not None else None, "step": step.pk if step is not None else None,
              "characteristic": characteristic.code if characteristic is not None else None,
              "value": _decimal(ncr.value), "lot": lot.code if lot is not None else None,
              "hold": unit_hold.pk if unit_hold else None, "evidence": evidence},
    )
    return ncr
