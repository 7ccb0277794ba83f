"""A role changes only through core.identities.change_role: an administrator other than the
person changed, with a reason, on the audit trail (who and why)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.choices import Role
from core.errors import Conflict, DomainError
from core.identities import change_role
from core.models import AuditEntry


@pytest.mark.invariant(7)
def test_a_role_change_is_audited_with_who_and_why(operator, admin_user):
    # when an administrator makes an operator an inspector, saying why
    changed = change_role(user=operator, role=Role.INSPECTOR, actor=admin_user, reason="Passed the QA course")
    # then the role is changed and the audit trail says who, what and why
    operator.refresh_from_db()
    assert (changed.role, operator.role, operator.is_staff) == (Role.INSPECTOR, Role.INSPECTOR, False)
    entry = AuditEntry.objects.get(action="identity.role_changed")
    assert (entry.actor, entry.subject_id, entry.summary, entry.reason, entry.data) == (
        admin_user,
        str(operator.pk),
        "operator → inspector",
        "Passed the QA course",
        {"before": "operator", "after": "inspector"},
    )


def test_an_administrator_role_makes_staff_and_losing_it_unmakes(operator, admin_user):
    change_role(user=operator, role=Role.ADMIN, actor=admin_user, reason="Night shift lead")
    operator.refresh_from_db()
    assert operator.is_staff is True
    change_role(user=operator, role=Role.OPERATOR, actor=admin_user, reason="Back on the line")
    operator.refresh_from_db()
    assert operator.is_staff is False


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_change_without_a_reason_is_refused(operator, admin_user, reason):
    with pytest.raises(DomainError) as refused:
        change_role(user=operator, role=Role.INSPECTOR, actor=admin_user, reason=reason)
    assert (refused.value.code, refused.value.errors[0].path) == ("reason_required", "reason")
    operator.refresh_from_db()
    assert operator.role == Role.OPERATOR
    assert not AuditEntry.objects.filter(action="identity.role_changed").exists()


def test_nobody_changes_their_own_role(admin_user):
    with pytest.raises(DomainError) as refused:
        change_role(user=admin_user, role=Role.OPERATOR, actor=admin_user, reason="Testing")
    assert refused.value.code == "own_role"


def test_nobody_promotes_themself_even_from_below(operator):
    with pytest.raises(DomainError) as refused:
        change_role(user=operator, role=Role.ADMIN, actor=operator, reason="I deserve it")
    assert refused.value.code == "permission_denied"
    operator.refresh_from_db()
    assert operator.role == Role.OPERATOR


def test_only_an_administrator_changes_roles(operator, engineer):
    with pytest.raises(DomainError) as refused:
        change_role(user=operator, role=Role.ENGINEER, actor=engineer, reason="Helps with releases")
    assert refused.value.code == "permission_denied"


def test_an_unknown_or_unchanged_role_is_refused(operator, admin_user):
    with pytest.raises(DomainError) as unknown:
        change_role(user=operator, role="boss", actor=admin_user, reason="Why not")
    with pytest.raises(Conflict) as same:
        change_role(user=operator, role=Role.OPERATOR, actor=admin_user, reason="Again")
    assert (unknown.value.code, same.value.code) == ("invalid_role", "role_unchanged")


def test_the_command_changes_a_role_through_the_service(operator, admin_user):
    out = StringIO()
    call_command(
        "change_role", "olga", "inspector", "--by", "ada", "--reason", "Passed the QA course", stdout=out
    )
    assert out.getvalue() == "olga: operator → inspector\n"
    entry = AuditEntry.objects.get(action="identity.role_changed")
    assert (entry.actor, entry.reason) == (admin_user, "Passed the QA course")


def test_the_command_says_what_is_wrong(operator, admin_user):
    with pytest.raises(CommandError, match="no identity named 'nobody'"):
        call_command("change_role", "nobody", "inspector", "--by", "ada", "--reason", "x")
    with pytest.raises(CommandError, match="ask another administrator"):
        call_command("change_role", "ada", "operator", "--by", "ada", "--reason", "x")
