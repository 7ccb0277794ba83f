"""A stored revision's content refuses UPDATE in the database itself.

The import writes operations, steps, requirements, characteristics, media and the part list
once; nothing may change them afterwards (a change is a new revision), and the line caches
them per process on that promise (instructions/content.py).
"""

from django.db import migrations

TABLES = [
    "instructions_operation",
    "instructions_step",
    "instructions_stepmedia",
    "instructions_materialrequirement",
    "instructions_characteristic",
    "instructions_revisionpart",
]


def install(apps, schema_editor):
    from core import append_only

    append_only.install(schema_editor.connection, TABLES, append_only.RELEASED_CONTENT)


def drop(apps, schema_editor):
    from core import append_only

    append_only.drop(schema_editor.connection, TABLES, append_only.RELEASED_CONTENT)


class Migration(migrations.Migration):
    dependencies = [("instructions", "0001_initial")]

    operations = [migrations.RunPython(install, drop)]
