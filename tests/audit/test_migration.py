"""Migration 0004 gives events written before it their entry without breaking the log."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit.canonical import canonical_bytes, entry_leaf_hash
from audit.integrity import verify_log
from audit.models import AuditEvent, LogEntry
from audit.records import event_dict
from audit.sequencer import sequence_and_checkpoint

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0003_append_only_triggers")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_existing_events_get_their_canonical_entry_and_keep_their_leaves():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("audit")
    _migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for n, details in enumerate([{"n": 1}, {"ratio": 2.0, "note": "中文 \"quoted\""}, {}]):
                cursor.execute(
                    "INSERT INTO audit_auditevent (created_at, actor, code, target_type, target_id, details) "
                    "VALUES (%s, 'system', 'test.old', 'thing', %s, %s)",
                    [connection.ops.adapt_datetimefield_value(_moment(n)), str(n), json.dumps(details)],
                )
    finally:
        _migrate(latest)
    events = list(AuditEvent.objects.filter(code="test.old").order_by("pk"))
    assert len(events) == 3
    for event in events:
        assert event.entry.encode() == canonical_bytes(event_dict(event))
    assert json.loads(events[1].entry)["details"] == {"note": '中文 "quoted"', "ratio": 2}
    sequence_and_checkpoint()
    for event in events:
        assert bytes(LogEntry.objects.get(event=event).leaf_hash) == entry_leaf_hash(event.entry)
    assert verify_log().ok
    assert verify_log(deep=True).ok
    # The append-only trigger the backfill stepped around is back.
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor = 'x' WHERE id = %s", [events[0].pk])


def _moment(n: int):
    from datetime import UTC, datetime

    return datetime(2025, 3, 1, 8, 0, n, 123456, tzinfo=UTC)
