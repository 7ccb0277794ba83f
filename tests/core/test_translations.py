"""The German catalog is complete and compiled, and screens and API errors speak it to a person who chose German."""

import ast
import gettext
from pathlib import Path

from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from mes.core.choices import Role
from mes.core.identities import create_api_token

CATALOG = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES"


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file as {"msgctxt", "msgid", "msgid_plural", "msgstr": [...], "flags"}; obsolete (#~) entries left out."""
    entries: list[dict] = []
    entry: dict = {}
    field = None

    def close():
        if "msgid" in entry:
            entries.append(dict(entry))
        entry.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if "msgid" in entry:
                close()
            entry.setdefault("flags", set()).update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            text = ast.literal_eval(line)
            if field == "msgstr":
                entry["msgstr"][-1] += text
            else:
                entry[field] += text
            continue
        keyword, _, rest = line.partition(" ")
        text = ast.literal_eval(rest)
        if keyword in ("msgctxt", "msgid") and "msgstr" in entry:
            close()
        if keyword.startswith("msgstr"):
            entry.setdefault("msgstr", []).append(text)
            field = "msgstr"
        else:
            entry[keyword] = text
            field = keyword
    close()
    return entries


def test_the_german_catalog_translates_every_message_and_nothing_is_fuzzy():
    entries = read_po(CATALOG / "django.po")
    messages = [entry for entry in entries if entry["msgid"]]
    untranslated = [entry["msgid"] for entry in messages if not all(entry["msgstr"])]
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry.get("flags", set())]
    assert len(messages) > 800
    assert untranslated == []
    assert fuzzy == []


def test_the_committed_compiled_catalog_matches_the_po_file():
    """The .mo is committed so the app speaks German without gettext installed; it must not lag the .po."""
    with (CATALOG / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in read_po(CATALOG / "django.po"):
        if not entry["msgid"]:
            continue
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            forms = [
                compiled.npgettext(context, entry["msgid"], entry["msgid_plural"], n) if context else compiled.ngettext(entry["msgid"], entry["msgid_plural"], n)
                for n in (1, 2)
            ]
            if forms != entry["msgstr"]:
                stale.append(entry["msgid"])
        else:
            found = compiled.pgettext(context, entry["msgid"]) if context else compiled.gettext(entry["msgid"])
            if found != entry["msgstr"][0]:
                stale.append(entry["msgid"])
    assert stale == []


def test_the_product_list_speaks_german_to_an_engineer_who_chose_it(engineer):
    engineer.preferred_language = "de"
    engineer.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(engineer)

    page = client.get("/instructions/")

    assert page.status_code == 200
    assert "<h1>Produkte</h1>" in page.text
    assert "Teilenummer" in page.text
    assert "Es wurde noch keine Freigabe empfangen." in page.text
    assert "Part number" not in page.text


def test_an_api_refusal_speaks_german_to_an_integration_identity_that_chose_it(db):
    token, key = create_api_token(name="plm-adapter-de", role=Role.INTEGRATION, actor=None)
    identity = token.identity
    identity.preferred_language = "de"
    identity.save(update_fields=["preferred_language"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token " + key)

    response = api.post("/api/v1/releases", data=b"{not json", content_type="application/json")

    assert response.status_code == 400
    assert "Das Dokument ist kein gültiges JSON" in response.content.decode()
