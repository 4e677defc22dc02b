"""Every event row carries its entry: the canonical text the log hashes.

Existing rows get theirs computed from their columns (the same bytes the sequencer
hashed, so every stored leaf hash stays valid); the UPDATE this takes is let through
the append-only trigger for this migration only. On PostgreSQL the column then
becomes NOT NULL and the CHECK constraint that keeps row and entry equal is added
(it validates every existing row as it is created).
"""

from django.db import migrations, models

from audit.canonical import canonical_bytes
from audit.enforcement import ENTRY_CHECK, ENTRY_CHECK_NAME, EVENT_TABLE, sqlite_no_update_trigger
from audit.records import event_columns, event_from_row

BATCH = 5000


def _backfill(connection) -> None:
    columns = event_columns(connection.vendor)
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT {columns} FROM {EVENT_TABLE} e WHERE e.id > %s AND e.entry IS NULL ORDER BY e.id LIMIT {BATCH}",
                [last],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            ids = [row[0] for row in rows]
            entries = [canonical_bytes(event_from_row(row)).decode("utf-8") for row in rows]
            if connection.vendor == "postgresql":
                # One statement a batch: row-by-row updates take minutes on a large log.
                cursor.execute(
                    f"UPDATE {EVENT_TABLE} e SET entry = v.entry "
                    "FROM unnest(%s::bigint[], %s::text[]) AS v(id, entry) WHERE e.id = v.id",
                    [ids, entries],
                )
            else:
                cursor.executemany(f"UPDATE {EVENT_TABLE} SET entry = %s WHERE id = %s", list(zip(entries, ids, strict=True)))
            last = ids[-1]


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    execute = schema_editor.execute
    execute(f"ALTER TABLE {EVENT_TABLE} ADD COLUMN entry text", params=None)
    if connection.vendor == "postgresql":
        execute(f"ALTER TABLE {EVENT_TABLE} DISABLE TRIGGER {EVENT_TABLE}_append_only", params=None)
        _backfill(connection)
        execute(f"ALTER TABLE {EVENT_TABLE} ENABLE ALWAYS TRIGGER {EVENT_TABLE}_append_only", params=None)
        execute(f"ALTER TABLE {EVENT_TABLE} ALTER COLUMN entry SET NOT NULL", params=None)
        execute(f"ALTER TABLE {EVENT_TABLE} ADD CONSTRAINT {ENTRY_CHECK_NAME} CHECK ({ENTRY_CHECK})", params=None)
    else:
        execute(f"DROP TRIGGER IF EXISTS {EVENT_TABLE}_no_update", params=None)
        _backfill(connection)
        execute(sqlite_no_update_trigger(EVENT_TABLE), params=None)
        # SQLite cannot add NOT NULL to a column in place; a trigger refuses the gap.
        execute(
            f"CREATE TRIGGER {EVENT_TABLE}_entry_required BEFORE INSERT ON {EVENT_TABLE} "
            f"WHEN NEW.entry IS NULL "
            f"BEGIN SELECT RAISE(ABORT, 'an audit event needs its entry (write it with audit_record)'); END",
            params=None,
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {EVENT_TABLE} DROP CONSTRAINT IF EXISTS {ENTRY_CHECK_NAME}", params=None)
    else:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {EVENT_TABLE}_entry_required", params=None)
    schema_editor.execute(f"ALTER TABLE {EVENT_TABLE} DROP COLUMN entry", params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_triggers")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="auditevent",
                    name="entry",
                    field=models.TextField(default="", editable=False),
                    preserve_default=False,
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
