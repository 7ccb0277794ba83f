"""seed_demo: load the demo plant, idempotently, and print the logins.

Everything goes through the same services the API uses: releases are accepted by
`accept_release`, people by `create_person`, so the demo exercises the real paths.
"""

import io
import json
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from core.choices import IdentityKind, Role
from core.identities import create_api_token, create_person
from core.models import User
from instructions.services.releases import accept_release

DEMO = Path(__file__).resolve().parent.parent.parent / "demo"
DEMO_PASSWORD = "line-demo-2026"

PEOPLE = [
    # username, role, full name, badge
    ("olga", Role.OPERATOR, "Olga Novak", "B-1001"),
    ("omar", Role.OPERATOR, "Omar Haddad", "B-1002"),
    ("ines", Role.INSPECTOR, "Ines Duarte", "B-2001"),
    ("quinn", Role.INSPECTOR, "Quinn Adeyemi", "B-2002"),
    ("erik", Role.ENGINEER, "Erik Lindqvist", "B-3001"),
    ("ada", Role.ADMIN, "Ada Moreau", ""),
]


def bundle(document_path: Path) -> bytes:
    """The release as PLM would send it with media: a ZIP of release.json plus the files it names."""
    document = json.loads(document_path.read_text())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("release.json", json.dumps(document, indent=2))
        for operation in document["operations"]:
            for step in operation["steps"]:
                for item in step.get("media", []):
                    archive.write(DEMO / item["path"], item["path"])
    return buffer.getvalue()


class Command(BaseCommand):
    help = (
        "Load the demo plant (idempotent): products, released revisions, stations, lots, work orders, "
        "one user per role."
    )

    def handle(self, *args, **options) -> None:
        lines: list[str] = []
        with transaction.atomic():
            for username, role, full_name, badge in PEOPLE:
                if not User.objects.filter(username=username).exists():
                    create_person(
                        username=username,
                        role=role,
                        password=DEMO_PASSWORD,
                        actor=None,
                        full_name=full_name,
                        badge_code=badge,
                        badge_pin="1234" if badge else "",
                    )
            plm = User.objects.filter(username="plm-adapter", kind=IdentityKind.SYSTEM).first()
            new_key = None
            if plm is None:
                token, new_key = create_api_token(name="plm-adapter", role=Role.INTEGRATION, actor=None)
                plm = token.identity
        for name in ("release-100-200-B.json", "release-100-200-C.json"):
            path = DEMO / name
            result = accept_release(payload=bundle(path), content_type="application/zip", actor=plm)
            lines.append(
                "  {} rev {}: {}".format(
                    result.revision.product.part_number,
                    result.revision.revision,
                    "stored" if result.created else "unchanged",
                )
            )
        self._seed_line(lines)

        self.stdout.write("Demo plant loaded:")
        for line in lines:
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("Logins (password for everyone: {}; badge PIN 1234):".format(DEMO_PASSWORD))
        for username, role, full_name, badge in PEOPLE:
            self.stdout.write(
                "  {:<8} {:<10} {}{}".format(username, role, full_name, "  badge " + badge if badge else "")
            )
        if new_key:
            self.stdout.write("API token for plm-adapter (integration), shown once:")
            self.stdout.write("  " + new_key)

    def _seed_line(self, lines: list[str]) -> None:
        """Stations, tools, qualifications, lots with GS1 labels and work orders (the line app)."""
        from line.demo.line import seed_line

        seed_line(lines=lines, password=DEMO_PASSWORD)
