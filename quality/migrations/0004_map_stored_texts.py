"""Existing texts the system wrote get their code and params, so they too read in each reader's
language: an NCR raised by an out-of-tolerance result (and its unit hold), a contained unit's
NCR, a hold released by a disposition. A stored text is mapped only when it is exactly what the
system wrote in one of the offered languages; anything else (a person's words, an unknown text)
stays as stored and is shown as stored. NCR history rows are append-only (the database refuses
UPDATE): their older reasons are shown as stored.
"""

import re

from django.conf import settings
from django.db import migrations
from django.utils import translation

RELEASED_BY = re.compile(r"^(?P<ncr>\S+): (?P<reason>.*)$", re.DOTALL)


def _written_in_some_language(stored: str, code: str, params: dict) -> bool:
    from core.texts import render

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            if render(code, params) == stored:
                return True
    return False


def forwards(apps, schema_editor):
    Ncr = apps.get_model("quality", "Ncr")
    Hold = apps.get_model("mes", "Hold")
    for ncr in Ncr.objects.filter(description_code__isnull=True).select_related(
        "characteristic", "unit", "lot", "parent"
    ):
        code = params = None
        if ncr.source == "out_of_tolerance" and ncr.characteristic_id and ncr.unit_id:
            characteristic = ncr.characteristic
            params = {"code": characteristic.code, "name": characteristic.name, "serial": ncr.unit.serial}
            code = "ncr.out_of_tolerance"
        elif ncr.parent_id and ncr.lot_id:
            params = {"lot": ncr.lot.code, "number": ncr.parent.number, "description": ncr.parent.description}
            code = "ncr.lot_contained"
        if code is None or not _written_in_some_language(ncr.description, code, params):
            continue
        Ncr.objects.filter(pk=ncr.pk).update(description_code=code, description_params=params)
        if ncr.hold_id:
            Hold.objects.filter(pk=ncr.hold_id, reason=ncr.description, reason_code__isnull=True).update(
                reason_code=code, reason_params=params
            )
    numbers = dict(Ncr.objects.exclude(decision="").values_list("number", "decision"))
    for hold in Hold.objects.filter(release_code__isnull=True).exclude(release_reason=""):
        match = RELEASED_BY.match(hold.release_reason)
        if match is None or match["ncr"] not in numbers:
            continue
        Hold.objects.filter(pk=hold.pk).update(
            release_code="hold.released_by_disposition",
            release_params={
                "ncr": match["ncr"], "decision": numbers[match["ncr"]], "reason": match["reason"]
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0003_stored_text_codes"),
        ("mes", "0004_stored_text_codes"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
