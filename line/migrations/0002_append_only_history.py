"""The line's history tables refuse UPDATE and DELETE in the database itself (invariant 6)."""

from django.db import migrations


# The tables as they were when this migration was written: later tables get their own migration.
TABLES = [
    "mes_unitevent",
    "mes_lotevent",
    "mes_consumption",
    "mes_scanrefusal",
    "mes_stepresult",
    "mes_toolscan",
    "mes_stepsignoff",
]


def install(apps, schema_editor):
    from core import append_only

    append_only.install(schema_editor.connection, TABLES)


def drop(apps, schema_editor):
    from core import append_only

    append_only.drop(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("mes", "0001_initial"),
        ("core", "0002_audit_append_only"),
    ]

    operations = [migrations.RunPython(install, drop)]
