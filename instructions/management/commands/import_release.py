"""import_release PATH: import a release document (JSON or ZIP bundle) through `accept_release`.

Exit 0 when stored or already stored identically (prints the revision and `stored` or
`unchanged`); exit 1 when refused, printing each problem as `POINTER: message`; nothing stored.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from core import acts
from core.choices import IdentityKind, Role
from core.contention import run_in_transaction
from core.errors import DomainError
from core.models import User
from instructions.services.releases import accept_release

COMMAND_IDENTITY = "import-release-command"


class Command(BaseCommand):
    help = "Import a release document (threadline.mbom-release/1 as JSON, or its ZIP bundle)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="release.json, or a ZIP bundle holding release.json and its media")
        parser.add_argument(
            "--as",
            dest="username",
            default="",
            help="The identity the import is recorded under (default: the system identity {}).".format(
                COMMAND_IDENTITY
            ),
        )

    def handle(self, *args, path: str, username: str, **options) -> None:
        try:
            payload = _read(Path(path))
            # One transaction, run again whole if PostgreSQL ends it for a deadlock: a refused
            # import leaves no trace, not even the command's identity.
            result = run_in_transaction(
                lambda: accept_release(
                    payload=payload, content_type=_content_type(payload), actor=_actor(username), station=""
                )
            )
        except DomainError as error:
            for problem in error.errors:
                self.stderr.write("{}: {}".format(problem.path or "/", problem.message))
            raise SystemExit(1) from None
        revision = result.revision
        self.stdout.write(
            "{} rev {} (id {}, release {}): {}".format(
                revision.product.part_number,
                revision.revision,
                revision.pk,
                revision.release_id,
                "stored" if result.created else "unchanged",
            )
        )


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            # One byte past the limit is enough to refuse; a huge file is never read whole.
            return handle.read(settings.RELEASE_MAX_BYTES + 1)
    except OSError as error:
        raise DomainError(
            "unreadable_file",
            _("Cannot read {path}: {problem}. Check the path.").format(
                path=path, problem=error.strerror or error
            ),
            "",
        ) from None


def _content_type(payload: bytes) -> str:
    return "application/zip" if payload[:4] == b"PK\x03\x04" else "application/json"


def _actor(username: str) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise DomainError(
                "unknown_identity",
                _("There is no active identity named '{username}'. Check --as.").format(username=username),
                "",
            )
        if not user.has_perm("instructions.import_release"):
            raise DomainError(
                "permission_denied",
                _(
                    "'{username}' may not import releases (role {role}). Use an engineer or integration "
                    "identity."
                ).format(username=username, role=user.role),
                "",
            )
        return user
    user = User.objects.filter(username=COMMAND_IDENTITY).first()
    if user is None:
        # Imports from the shell are attributable too: to a system identity that says so.
        user = User(username=COMMAND_IDENTITY, role=Role.INTEGRATION, kind=IdentityKind.SYSTEM)
        user.set_unusable_password()
        with transaction.atomic():
            user.save()
            acts.record(
                actor=None,
                action="identity.created",
                subject=user,
                summary="{} (integration, system)".format(COMMAND_IDENTITY),
            )
    return user
