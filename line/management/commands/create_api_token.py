"""create_api_token NAME --role ROLE [--station CODE ...]: prints the new key as the last line."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.choices import Role
from core.contention import run_in_transaction
from core.errors import DomainError
from core.identities import create_api_token


class Command(BaseCommand):
    help = (
        "Create a system or agent identity with a role (if new) and a new API key for it. "
        "The key is shown once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--station", action="append", default=[], help="A station the identity may work at (repeatable)."
        )

    @staticmethod
    def _create(*, name: str, role: str, station: list[str]):
        token, key = create_api_token(name=name, role=role, actor=None)
        if station:
            from line.services.stations import assign_stations

            assign_stations(user=token.identity, station_codes=station, actor=None)
        return token, key

    def handle(self, *args, name: str, role: str, station: list[str], **options) -> None:
        try:
            token, key = run_in_transaction(self._create, name=name, role=role, station=station)
        except DomainError as error:
            raise CommandError(
                "; ".join("{}: {}".format(item.path or item.code, item.message) for item in error.errors)
            ) from None
        self.stdout.write(
            "Identity {} ({}); token {}… created. Store the key now: it is not shown again.".format(
                name, role, token.prefix
            )
        )
        self.stdout.write(key)
