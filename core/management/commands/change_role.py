"""change_role USERNAME ROLE --by ADMINISTRATOR --reason WHY: give an identity another role, audited.

The one way a role changes (the admin site only shows identities): `core.identities.change_role`,
decided by a named administrator other than the person changed, with a reason kept on the audit trail.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.choices import Role
from core.errors import DomainError
from core.identities import change_role
from core.models import User


class Command(BaseCommand):
    help = "Give an identity another role, decided by a named administrator with a reason (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The identity whose role changes.")
        parser.add_argument("role", help="The new role: {}.".format(", ".join(Role.values)))
        parser.add_argument(
            "--by", dest="by", required=True, help="The administrator who decides the change."
        )
        parser.add_argument("--reason", required=True, help="Why the role changes (kept on the audit trail).")

    def handle(self, *args, username: str, role: str, by: str, reason: str, **options) -> None:
        user = _identity(username, "username")
        actor = _identity(by, "--by")
        try:
            before = user.role
            changed = change_role(user=user, role=role, actor=actor, reason=reason)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write("{}: {} → {}".format(changed.username, before, changed.role))


def _identity(username: str, what: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(
            _("There is no identity named '{username}'. Check {what}.").format(username=username, what=what)
        )
    return user
