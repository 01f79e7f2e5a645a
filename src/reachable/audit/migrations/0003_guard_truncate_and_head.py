from django.db import migrations


def install(apps, schema_editor):
    from reachable.audit import guard

    guard.install(schema_editor.connection)


class Migration(migrations.Migration):
    """The append-only guard now also refuses TRUNCATE and protects the chain head."""

    dependencies = [("audit", "0002_append_only_guard")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
