from django.db import migrations


def install(apps, schema_editor):
    from core import append_only

    append_only.install(schema_editor.connection, ["core_auditentry"])


def uninstall(apps, schema_editor):
    from core import append_only

    append_only.drop(schema_editor.connection, ["core_auditentry"])


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
