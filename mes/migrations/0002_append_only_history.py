"""The line's history tables refuse UPDATE and DELETE in the database itself (invariant 6)."""

from django.db import migrations


def install(apps, schema_editor):
    from mes.core import append_only
    from mes.models.append_only import APPEND_ONLY_TABLES

    append_only.install(schema_editor.connection, APPEND_ONLY_TABLES)


def drop(apps, schema_editor):
    from mes.core import append_only
    from mes.models.append_only import APPEND_ONLY_TABLES

    append_only.drop(schema_editor.connection, APPEND_ONLY_TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("mes", "0001_initial"),
        ("core", "0002_audit_append_only"),
    ]

    operations = [migrations.RunPython(install, drop)]
