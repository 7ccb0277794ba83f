"""Every offered language is complete and compiled; screens and API errors speak it to whoever chose it."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from core.choices import Role
from core.identities import create_api_token

LOCALE = Path(settings.BASE_DIR) / "locale"


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file as {"msgctxt", "msgid", "msgid_plural", "msgstr": [...], "flags"}.

    Obsolete (#~) entries are left out.
    """
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


def offered_languages() -> list[str]:
    """Every language a person can choose (settings.LANGUAGES) except English, the language of the source."""
    return [code for code, _name in settings.LANGUAGES if code != "en"]


# Placeholders a translation must carry over unchanged: str.format fields, %-format fields and HTML tags.
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([^)]+\)[sdif]|%[sdif]|</?[a-zA-Z][^<>]*>")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def nplurals(entries: list[dict]) -> int:
    header = next(entry for entry in entries if entry["msgid"] == "")["msgstr"][0]
    match = re.search(r"^Plural-Forms:\s*nplurals=(\d+);", header, re.MULTILINE)
    assert match, "the catalog's header has no Plural-Forms line"
    return int(match.group(1))


def test_languages_are_offered_beyond_english():
    assert offered_languages(), "settings.LANGUAGES offers only English"


@pytest.mark.parametrize("language", offered_languages())
def test_every_offered_language_has_a_catalog_and_its_compiled_form(language):
    catalog = LOCALE / language / "LC_MESSAGES"
    assert (catalog / "django.po").is_file(), (
        f"{language} is offered in LANGUAGES but locale/{language}/LC_MESSAGES/django.po is missing"
    )
    assert (catalog / "django.mo").is_file(), (
        f"{language} is offered but its compiled catalog is missing: run manage.py compilemessages"
    )


@pytest.mark.parametrize("language", offered_languages())
def test_an_offered_language_translates_every_message_and_nothing_is_fuzzy(language):
    entries = read_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    messages = [entry for entry in entries if entry["msgid"]]
    forms = nplurals(entries)
    untranslated = [
        entry["msgid"]
        for entry in messages
        if not all(entry["msgstr"]) or ("msgid_plural" in entry and len(entry["msgstr"]) != forms)
    ]
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry.get("flags", set())]
    assert len(messages) > 800
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", offered_languages())
def test_every_translation_keeps_the_placeholders_of_its_message(language):
    wrong = []
    for entry in read_po(LOCALE / language / "LC_MESSAGES" / "django.po"):
        if not entry["msgid"]:
            continue
        if "msgid_plural" in entry:
            # msgstr[0] answers the singular; every further form answers the plural.
            sources = [entry["msgid"]] + [entry["msgid_plural"]] * (len(entry["msgstr"]) - 1)
        else:
            sources = [entry["msgid"]]
        for source, translation in zip(sources, entry["msgstr"], strict=True):
            if translation and placeholders(translation) != placeholders(source):
                wrong.append((source, translation))
    assert wrong == []


@pytest.mark.parametrize("language", offered_languages())
def test_the_committed_compiled_catalog_matches_the_po_file(language):
    """The .mo is committed so the app speaks without gettext installed; it must not lag the .po."""
    catalog = LOCALE / language / "LC_MESSAGES"
    with (catalog / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in read_po(catalog / "django.po"):
        if not entry["msgid"]:
            continue
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            forms = [
                compiled.npgettext(context, entry["msgid"], entry["msgid_plural"], n)
                if context
                else compiled.ngettext(entry["msgid"], entry["msgid_plural"], n)
                for n in (1, 2)
            ]
            expected = [entry["msgstr"][compiled.plural(n)] for n in (1, 2)]
            if forms != expected:
                stale.append(entry["msgid"])
        else:
            found = (
                compiled.pgettext(context, entry["msgid"]) if context else compiled.gettext(entry["msgid"])
            )
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


SCREENS = {
    # language: (product list heading, its column, its empty state, NCR queue heading, its empty state)
    "es": (
        "<h1>Productos</h1>",
        "Número de pieza",
        "Aún no se ha recibido ninguna liberación.",
        "Informes de no conformidad (NCR)",
        "Nada pendiente: ningún NCR coincide con estos filtros.",
    ),
    "fr": (
        "<h1>Produits</h1>",
        "Référence",
        "Aucune libération n'a encore été reçue.",
        "Rapports de non-conformité (NCR)",
        "Rien en attente\u00a0: aucune NCR ne correspond à ces filtres.",
    ),
}


@pytest.mark.parametrize("language", sorted(SCREENS))
def test_desk_screens_speak_the_language_a_person_chose(language, engineer, inspector):
    heading, column, empty, queue_heading, queue_empty = SCREENS[language]
    for person in (engineer, inspector):
        person.preferred_language = language
        person.save(update_fields=["preferred_language"])
    engineer_client, inspector_client = Client(), Client()
    engineer_client.force_login(engineer)
    inspector_client.force_login(inspector)

    products = engineer_client.get("/instructions/")
    queue = inspector_client.get("/quality/")

    assert products.status_code == 200
    assert heading in products.text
    assert column in products.text
    assert empty in products.text
    assert "Part number" not in products.text
    assert queue.status_code == 200
    assert queue_heading in queue.text
    assert queue_empty in queue.text
    assert "Non-conformance reports" not in queue.text


@pytest.mark.parametrize(
    ("language", "refusal"),
    [("es", "El documento no es JSON válido"), ("fr", "Le document n'est pas un JSON valide")],
)
def test_an_api_refusal_speaks_the_language_its_identity_chose(db, language, refusal):
    token, key = create_api_token(name="plm-adapter-" + language, role=Role.INTEGRATION, actor=None)
    identity = token.identity
    identity.preferred_language = language
    identity.save(update_fields=["preferred_language"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token " + key)

    response = api.post("/api/v1/releases", data=b"{not json", content_type="application/json")

    assert response.status_code == 400
    assert refusal in response.content.decode()
