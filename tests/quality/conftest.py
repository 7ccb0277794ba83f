"""Quality's fixture graph: the line's (released rev C, station ST-1, lots, work order) plus NCRs.

`ncr_at_step2`: unit 1 at step 2 with TQ1 measured 0.90 N.m (limits 0.55..0.65): the line raised
the NCR and put the unit on hold.
"""

import pytest

from core.choices import Role
from core.signatures import SignatureRequest
from tests.conftest import PASSWORD, make_person
from tests.line.conftest import at_step2, line, started  # noqa: F401  (fixtures shared with the line's tests)


def sig(user, meaning: str = "approved", password: str = PASSWORD) -> SignatureRequest:
    return SignatureRequest(username=user.username, password=password, meaning=meaning)


@pytest.fixture
def second_inspector(db):
    return make_person("ivan", Role.INSPECTOR, full_name="Ivan Inspector")


def out_of_tolerance(line, operator, value: str = "0.9"):
    from line.services import results

    return results.record_result(
        unit=line.unit,
        step=line.step2,
        characteristic_code="TQ1",
        value=value,
        gauge="G-TQ-1",
        actor=operator,
        station=line.station,
    ).ncr


@pytest.fixture
def ncr_at_step2(at_step2, operator):
    return out_of_tolerance(at_step2, operator)


def snapshot(ncr):
    """Everything a refused disposition must leave as it was."""
    from core.models import AuditEntry, OutboxEvent, Signature
    from line.models import Hold, StepSignOff, Unit
    from quality.models import Disposition, Ncr, NcrEvent

    ncr = Ncr.objects.get(pk=ncr.pk)
    unit = Unit.objects.get(pk=ncr.unit_id) if ncr.unit_id else None
    return {
        "ncr": (ncr.status, ncr.decision, ncr.decided_by_id),
        "unit": (unit.status, unit.current_step_id, unit.current_attempt) if unit else None,
        "open_holds": Hold.objects.filter(status="open").count(),
        "dispositions": Disposition.objects.count(),
        "signatures": Signature.objects.count(),
        "ncr_events": NcrEvent.objects.count(),
        "outbox": OutboxEvent.objects.count(),
        "sign_offs": StepSignOff.objects.count(),
        "audit_other_than_refusals": AuditEntry.objects.exclude(action="signature.refused").count(),
    }
