import pytest
from django.db import DatabaseError, connection, transaction

from core import audit
from core.models import AuditEntry


@pytest.mark.invariant(6)
def test_the_database_refuses_to_update_an_audit_entry(engineer):
    # given an entry
    entry = audit.record(actor=engineer, action="test.done", subject=engineer, reason="first")
    # when anyone updates it behind the application's back
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditentry SET reason = %s WHERE id = %s", ["rewritten", entry.pk])
    # then it is unchanged
    assert AuditEntry.objects.get(pk=entry.pk).reason == "first"


@pytest.mark.invariant(6)
def test_the_database_refuses_to_delete_an_audit_entry(engineer):
    entry = audit.record(actor=engineer, action="test.done", subject=engineer)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists() is True


@pytest.mark.invariant(6)
def test_saving_an_existing_audit_entry_is_refused_by_the_model(engineer):
    entry = audit.record(actor=engineer, action="test.done", subject=engineer, reason="first")
    entry.reason = "changed"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "first"


@pytest.mark.invariant(6)
def test_a_correction_is_a_new_entry_pointing_at_the_corrected_one(engineer):
    first = audit.record(actor=engineer, action="test.done", subject=engineer, reason="typo")
    correction = audit.record(
        actor=engineer, action="test.corrected", subject=engineer, reason="fixed typo", corrects=first
    )
    assert correction.corrects_id == first.pk
    assert AuditEntry.objects.filter(action__startswith="test.").count() == 2


@pytest.mark.invariant(7)
def test_an_entry_records_who_when_where_what_and_why(engineer):
    entry = audit.record(
        actor=engineer,
        action="unit.started",
        subject=("mes.unit", "PC-01000"),
        station="ASSY-1-T1",
        reason="shift start",
    )
    assert (entry.actor_label, entry.station, entry.action, entry.subject_id, entry.reason) == (
        "erik",
        "ASSY-1-T1",
        "unit.started",
        "PC-01000",
        "shift start",
    )
    assert entry.occurred_at is not None
