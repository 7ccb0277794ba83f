"""seed_demo loads a realistic plant through the real services, and a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from core.models import ApiToken, AuditEntry, User
from instructions.models import Revision, Step
from line.models import MaterialLot, Station, Unit, WorkOrder


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, ApiToken, Revision, Step, Station, MaterialLot, WorkOrder, Unit, AuditEntry)
    }


@pytest.mark.django_db
def test_seed_demo_loads_the_plant_and_prints_a_login_per_role():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    for login in ("olga", "ines", "erik", "ada"):
        assert "  {} ".format(login) in text
    assert "API token for plm-adapter" in text
    assert sorted(User.objects.values_list("role", flat=True).distinct()) == [
        "admin",
        "engineer",
        "inspector",
        "integration",
        "operator",
    ]
    assert list(Revision.objects.order_by("revision").values_list("revision", "status")) == [
        ("B", "superseded"),
        ("C", "released"),
    ]
    assert MaterialLot.objects.get(code="S2609-1180").status == "quarantined"
    assert WorkOrder.objects.get(number="WO-24017").units.count() == 8


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    before = _counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert "rev C: unchanged" in out.getvalue()
    assert "shown once" not in out.getvalue()
