"""Triggers: audit rows can be inserted, never updated or deleted; new events are
queued for the sequencer. Vendor-specific SQL lives in audit.enforcement."""

from django.db import migrations

from audit.enforcement import install_sql, uninstall_sql


def install(apps, schema_editor):
    for statement in install_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    for statement in uninstall_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_checkpoint_pendingevent_legalrequest_legalhold_and_more")]

    operations = [migrations.RunPython(install, uninstall)]
