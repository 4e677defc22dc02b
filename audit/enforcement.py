"""Database-level enforcement of the append-only audit tables.

Layers, from the outside in:

1. Models (``save``/``delete`` refuse changes) and the admin (read-only).
2. Triggers, installed by migration ``0003_append_only_triggers``:
   - PostgreSQL: ``BEFORE UPDATE OR DELETE`` row triggers and a ``BEFORE TRUNCATE``
     statement trigger on every audit table, set ``ENABLE ALWAYS`` so they fire even
     with ``session_replication_role = replica``.
   - SQLite: ``BEFORE UPDATE`` and ``BEFORE DELETE`` triggers that abort.
3. Privileges (PostgreSQL, recommended in production): the application's role gets
   only ``SELECT, INSERT`` on the audit tables (see docs/AUDIT.md); the schema owner
   runs migrations.

The one exception is ``manage.py flush`` (used by tests to empty a database): it runs
under ``purging()``, and the triggers then let DELETE and TRUNCATE through, on
PostgreSQL only for a member of the table owner's role, who could disable the
triggers anyway. UPDATE is never allowed.

A second trigger queues every new event for the sequencer (``audit_pendingevent``),
in the writer's transaction, so a late commit is never missed.

On PostgreSQL a CHECK constraint (``ENTRY_CHECK``, migration ``0004_event_entry``)
holds every event row's columns equal to its ``entry``, the canonical text the log
hashes. A CHECK cannot be disabled, only dropped, so a row edited behind the
triggers either still agrees with its entry (and a changed entry no longer matches
its leaf hash) or the constraint is gone or altered, which ``audit_verify`` notices
(``entry_check_problem``) before it trusts any row.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

PROTECTED_TABLES = ("audit_auditevent", "audit_logentry", "audit_treenode", "audit_checkpoint")
EVENT_TABLE = "audit_auditevent"
PENDING_TABLE = "audit_pendingevent"

_state = threading.local()


def _purge_allowed() -> int:
    return 1 if getattr(_state, "purging", False) else 0


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: the function the SQLite DELETE triggers consult.

    A connection that lacks it (the sqlite3 shell) fails the trigger, so the delete is
    refused there too.
    """
    if connection.vendor == "sqlite":
        connection.connection.create_function("audit_purge_allowed", 0, _purge_allowed, deterministic=False)


@contextmanager
def purging(connection) -> Iterator[None]:
    """Let the triggers pass DELETE/TRUNCATE for this connection (``flush`` only)."""
    _state.purging = True
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('audit.purge', 'on', false)")
    try:
        yield
    finally:
        _state.purging = False
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('audit.purge', 'off', false)")


PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner name;
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('audit.purge', true) = 'on' THEN
        SELECT tableowner INTO owner FROM pg_tables
         WHERE schemaname = TG_TABLE_SCHEMA AND tablename = TG_TABLE_NAME;
        IF pg_has_role(current_user, owner, 'MEMBER') THEN
            IF TG_LEVEL = 'ROW' THEN
                RETURN OLD;
            END IF;
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE FUNCTION audit_queue_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {PENDING_TABLE} (event_id) VALUES (NEW.id);
    RETURN NULL;
END
$$;
"""


ENTRY_CHECK_NAME = "audit_event_entry_matches"
#: The row's columns, as the JSON object its entry must parse to. jsonb equality is
#: by value (numbers numerically, keys unordered), exactly the freedom the canonical
#: form removes; the timestamp is compared in the canonical text form.
ENTRY_CHECK = (
    "entry IS NOT NULL AND entry::jsonb = jsonb_build_object("
    "'id', id, "
    "'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "'actor', actor, 'code', code, 'target_type', target_type, 'target_id', target_id, "
    "'details', details)"
)


def entry_check_problem(cursor) -> str | None:
    """Why the entry constraint cannot be trusted on this database, or None.

    The constraint must exist, be validated, and read exactly as ``ENTRY_CHECK`` does
    when PostgreSQL itself deparses it (compared through a temporary copy of the
    table, so the check does not depend on the server version's formatting).
    """
    cursor.execute(
        "SELECT convalidated, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND conname = %s AND contype = 'c'",
        [EVENT_TABLE, ENTRY_CHECK_NAME],
    )
    row = cursor.fetchone()
    if row is None:
        return f"the constraint {ENTRY_CHECK_NAME} is missing from {EVENT_TABLE}"
    validated, definition = row
    if not validated:
        return f"the constraint {ENTRY_CHECK_NAME} is not validated"
    cursor.execute("SAVEPOINT audit_entry_probe")
    try:
        cursor.execute(f"CREATE TEMPORARY TABLE audit_entry_probe (LIKE {EVENT_TABLE})")
        cursor.execute(f"ALTER TABLE audit_entry_probe ADD CONSTRAINT probe CHECK ({ENTRY_CHECK})")
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'audit_entry_probe'::regclass AND conname = 'probe'"
        )
        expected = cursor.fetchone()[0]
    finally:
        cursor.execute("ROLLBACK TO SAVEPOINT audit_entry_probe")
        cursor.execute("RELEASE SAVEPOINT audit_entry_probe")
    if definition != expected:
        return f"the constraint {ENTRY_CHECK_NAME} has been altered: {definition}"
    return None


def sqlite_no_update_trigger(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE on {table} refused'); END"
    )


def _pg_install_sql() -> list[str]:
    sql = [PG_FUNCTIONS]
    for table in PROTECTED_TABLES:
        sql += [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
            f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_append_only",
            f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_no_truncate",
        ]
    sql += [
        f"CREATE TRIGGER {EVENT_TABLE}_queue AFTER INSERT ON {EVENT_TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION audit_queue_event()",
        f"ALTER TABLE {EVENT_TABLE} ENABLE ALWAYS TRIGGER {EVENT_TABLE}_queue",
    ]
    return sql


def _pg_uninstall_sql() -> list[str]:
    sql = []
    for table in PROTECTED_TABLES:
        sql += [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        ]
    sql += [
        f"DROP TRIGGER IF EXISTS {EVENT_TABLE}_queue ON {EVENT_TABLE}",
        "DROP FUNCTION IF EXISTS audit_append_only()",
        "DROP FUNCTION IF EXISTS audit_queue_event()",
    ]
    return sql


def _sqlite_install_sql() -> list[str]:
    sql = []
    for table in PROTECTED_TABLES:
        sql += [
            sqlite_no_update_trigger(table),
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"WHEN audit_purge_allowed() IS NOT 1 "
            f"BEGIN SELECT RAISE(ABORT, 'audit log is append-only: DELETE on {table} refused'); END",
        ]
    sql.append(
        f"CREATE TRIGGER {EVENT_TABLE}_queue AFTER INSERT ON {EVENT_TABLE} "
        f"BEGIN INSERT INTO {PENDING_TABLE} (event_id) VALUES (NEW.id); END"
    )
    return sql


def _sqlite_uninstall_sql() -> list[str]:
    sql = []
    for table in PROTECTED_TABLES:
        sql += [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]
    sql.append(f"DROP TRIGGER IF EXISTS {EVENT_TABLE}_queue")
    return sql


def install_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return _pg_install_sql()
    if vendor == "sqlite":
        return _sqlite_install_sql()
    raise RuntimeError(f"no append-only triggers for the {vendor} database")


def uninstall_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return _pg_uninstall_sql()
    if vendor == "sqlite":
        return _sqlite_uninstall_sql()
    return []
