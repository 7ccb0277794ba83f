"""create_user USERNAME --role ROLE [--station CODE ...]: a person; password from THREADLINE_PASSWORD or
asked."""

import getpass
import os

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.choices import Role
from core.errors import DomainError
from core.identities import create_person


class Command(BaseCommand):
    help = "Create a person with a role. The password comes from THREADLINE_PASSWORD, or is asked for."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--station", action="append", default=[], help="A station the operator may work at (repeatable)."
        )
        parser.add_argument("--name", default="", help="Full name, printed beside signatures.")
        parser.add_argument("--badge", default="", help="Badge code for signing in at a station.")

    def handle(
        self, *args, username: str, role: str, station: list[str], name: str, badge: str, **options
    ) -> None:
        password = os.environ.get("THREADLINE_PASSWORD")
        if password is None:
            if not os.isatty(0):
                raise CommandError(
                    "Set THREADLINE_PASSWORD, or run the command in a terminal to type the password."
                )
            password = getpass.getpass("Password for {}: ".format(username))
            if password != getpass.getpass("Again: "):
                raise CommandError("The two passwords differ; nothing was created.")
        from core.contention import run_in_transaction

        def create():
            user = create_person(
                username=username, role=role, password=password, actor=None, full_name=name, badge_code=badge
            )
            if station:
                from line.services.stations import assign_stations

                assign_stations(user=user, station_codes=station, actor=None)
            return user

        try:
            user = run_in_transaction(create)
        except DomainError as error:
            raise CommandError(
                "; ".join("{}: {}".format(item.path or item.code, item.message) for item in error.errors)
            ) from None
        self.stdout.write(
            "Created {} ({}){}".format(user.username, role, " at " + ", ".join(station) if station else "")
        )
