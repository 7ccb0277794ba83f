"""Stored texts are codes and parameters, rendered in the reader's language (issue 9): an NCR
raised by a German operator's out-of-tolerance result reads in English for an English inspector
(and in German for a German one); older rows keep reading as stored, and the data migration
gives them their code where the stored text is exactly what the system wrote; no raw code
reaches a screen."""

import re
from importlib import import_module

from django.apps import apps as django_apps
from django.db import models
from django.urls import reverse
from django.utils import translation

from core.texts import TEMPLATES
from line.models import Hold
from quality.models import Ncr, NcrEvent
from quality.services import ncrs as ncr_services
from tests.conftest import client_for
from tests.line.test_as_built import screen_url
from tests.line.test_as_built_parity import reworked_and_repaired, visible_text  # noqa: F401  (fixture)
from tests.line.test_record_from_facts import rev_s  # noqa: F401  (fixture)
from tests.quality.conftest import out_of_tolerance

ENGLISH = "TQ1 Screw torque out of tolerance on unit PC-01000."
GERMAN = "TQ1 Screw torque außerhalb der Toleranz an Einheit PC-01000."


def raised_in_german(line, operator):
    operator.preferred_language = "de"
    operator.save(update_fields=["preferred_language"])
    with translation.override("de"):
        return out_of_tolerance(line, operator)


def test_an_ncr_a_german_operator_raised_reads_in_each_inspectors_language(at_step2, operator, inspector):
    # given an NCR raised automatically while a German operator worked
    ncr = raised_in_german(at_step2, operator)
    assert ncr.description == GERMAN  # the text as written, kept beside the code
    # when an English inspector opens the queue, the NCR and the unit's hold
    client = client_for(inspector)
    queue = visible_text(client.get(reverse("quality:ncr-queue")).text)
    page = visible_text(client.get(reverse("quality:ncr-detail", args=[ncr.pk])).text)
    # then it reads in English, history included
    assert "TQ1 Screw torque out of tolerance on unit PC-01000" in queue
    assert ENGLISH in page and "außerhalb" not in page
    with translation.override("en"):
        assert Hold.objects.get(pk=ncr.hold_id).reason_text == ENGLISH
    # and a German inspector reads it in German
    inspector.preferred_language = "de"
    inspector.save(update_fields=["preferred_language"])
    german_page = visible_text(client_for(inspector).get(reverse("quality:ncr-detail", args=[ncr.pk])).text)
    assert GERMAN in german_page and ENGLISH not in german_page


def test_a_description_typed_by_a_person_stays_as_typed(at_step2, inspector):
    ncr = ncr_services.raise_ncr(
        unit=at_step2.unit, step=at_step2.step2, description="Kratzer am Gehäuse", actor=inspector
    )
    with translation.override("en"):
        assert Ncr.objects.get(pk=ncr.pk).description_text == "Kratzer am Gehäuse"
    assert ncr.description_code is None


def test_older_rows_read_as_stored_and_the_data_migration_gives_them_their_code(
    at_step2, operator, inspector
):
    # given an NCR, its hold and its raising written before codes were stored (German text)
    ncr = raised_in_german(at_step2, operator)
    Ncr.objects.filter(pk=ncr.pk).update(description_code=None, description_params=None)
    Hold.objects.filter(pk=ncr.hold_id).update(reason_code=None, reason_params=None)
    with translation.override("en"):
        assert Ncr.objects.get(pk=ncr.pk).description_text == GERMAN  # shown as stored
    # when the data migration runs
    migration = import_module("quality.migrations.0004_map_stored_texts")
    migration.forwards(django_apps, None)
    # then the row reads in the reader's language again
    with translation.override("en"):
        assert Ncr.objects.get(pk=ncr.pk).description_text == ENGLISH
        assert Hold.objects.get(pk=ncr.hold_id).reason_text == ENGLISH
    # and a text the system did not write is left as stored
    typed = ncr_services.raise_ncr(
        unit=at_step2.unit, step=at_step2.step2, description="Scratch", actor=inspector
    )
    migration.forwards(django_apps, None)
    assert Ncr.objects.get(pk=typed.pk).description_code is None


def known_codes() -> set[str]:
    """Every stored code a person must never see raw: choice values that are not words
    (`out_of_tolerance`, `operator+inspector`) and every registered text code."""
    codes = set(TEMPLATES)
    for module in ("line.choices", "quality.choices", "instructions.choices", "core.choices"):
        for item in vars(import_module(module)).values():
            if isinstance(item, type) and issubclass(item, models.TextChoices):
                codes.update(value for value in item.values if re.search(r"[_+]", value))
    return codes


def test_no_raw_code_reaches_a_main_screen(
    reworked_and_repaired,
    released_c,
    inspector,
    engineer,
    admin_user,  # noqa: F811
):
    # given a unit reworked and repaired (two NCRs, holds released by dispositions), an ECO (B → C)
    unit = reworked_and_repaired
    codes = known_codes()
    assert {"out_of_tolerance", "operator+inspector", "use_as_is", "ncr.out_of_tolerance"} <= codes
    pages = {
        "NCR queue": (inspector, reverse("quality:ncr-queue") + "?status=all"),
        "as-built": (engineer, screen_url(unit)),
        "feedback": (engineer, reverse("quality:revision-feedback", args=[unit.revision_id])),
        "audit trail": (admin_user, reverse("audit-trail")),
        "compare": (
            engineer,
            "{}?old={}&new={}".format(
                reverse("instructions:revision-compare"), released_c.supersedes_id, released_c.pk
            ),
        ),
    }
    for ncr in Ncr.objects.filter(unit=unit):
        pages["NCR " + ncr.number] = (inspector, reverse("quality:ncr-detail", args=[ncr.pk]))
    # when each is shown, then no code stands in its visible text
    for name, (user, url) in pages.items():
        response = client_for(user).get(url)
        assert response.status_code == 200, name
        text = visible_text(response.text)
        found = sorted(
            code for code in codes if re.search(r"(?<![\w.+]){}(?![\w+])".format(re.escape(code)), text)
        )
        assert found == [], "{} shows {}".format(name, found)
    assert NcrEvent.objects.filter(ncr__unit=unit, reason_code="ncr.out_of_tolerance").count() == 2


def test_a_containment_hold_reads_in_the_readers_language_with_the_reason_as_typed(at_step2, inspector):
    from line.services import lots as lot_services

    # given a German inspector quarantines the PCB lot unit 1 consumed, with containment
    with translation.override("de"):
        lot_services.quarantine_lot(
            lot=at_step2.pcb_serials[0], reason="Lötstellen kalt", actor=inspector, contain=True
        )
    hold = Hold.objects.get(unit=at_step2.unit, kind="lot_containment")
    assert hold.reason == "Enthält die Charge PCB-0001 in Quarantäne: Lötstellen kalt"
    # then an English reader reads the system's words in English, the inspector's as typed
    with translation.override("en"):
        assert hold.reason_text == "Contains quarantined lot PCB-0001: Lötstellen kalt"


def test_the_audit_trail_reads_system_texts_in_the_readers_language(at_step2, operator, admin_user):
    # given an NCR raised (and its unit held) while a German operator worked
    ncr = raised_in_german(at_step2, operator)
    # when an English administrator reads the audit trail
    text = visible_text(client_for(admin_user).get(reverse("audit-trail")).text)
    # then the NCR's summary and the hold's reason read in English
    assert "{} {}".format(ncr.number, ENGLISH) in text
    assert "außerhalb" not in text
