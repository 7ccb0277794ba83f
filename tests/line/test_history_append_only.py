"""The line's history tables are append-only in the database itself (invariant 6)."""

import pytest
from django.db import DatabaseError, transaction

from core.errors import DomainError
from line.models import Consumption, ScanRefusal, UnitEvent
from line.services import scans


@pytest.mark.invariant(6)
@pytest.mark.parametrize("model", [Consumption, UnitEvent])
def test_the_database_refuses_to_update_or_delete_history(at_step2, operator, model):
    scans.record_scan(
        unit=at_step2.unit, step=at_step2.step2, barcode="SCR-1", actor=operator, station=at_step2.station
    )
    row = model.objects.filter(unit=at_step2.unit).order_by("-id").first()
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.filter(pk=row.pk).delete()
    assert model.objects.get(pk=row.pk).reason == row.reason


@pytest.mark.invariant(6)
def test_a_history_row_refuses_save_and_delete_in_python(at_step2, operator):
    with pytest.raises(DomainError):
        scans.record_scan(
            unit=at_step2.unit, step=at_step2.step2, barcode="NOPE", actor=operator, station=at_step2.station
        )
    refusal = ScanRefusal.objects.get()
    with pytest.raises(ValueError, match="append-only"):
        refusal.save()
    with pytest.raises(ValueError, match="append-only"):
        refusal.delete()
