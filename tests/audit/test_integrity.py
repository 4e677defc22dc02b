"""The stored entry of each event, and audit_verify's fast and deep checks.

Every check runs both ways: ``deep=False`` is the database-side check on PostgreSQL
(on SQLite it is the deep check too), ``deep=True`` re-serialises every row in
Python. The fast check's tree is rebuilt in chunks; the tests shrink the chunk to 32
leaves so that a log of a hundred events crosses several chunk boundaries and has
stored nodes above the chunk height.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from audit import integrity
from audit.canonical import canonical_bytes, entry_leaf_hash, parse_canonical, split_at_id
from audit.integrity import verify_log
from audit.models import AuditEvent, Checkpoint, LogEntry, TreeNode
from audit.records import event_dict
from audit.sequencer import sequence_and_checkpoint
from audit.services import audit_record

pytestmark = pytest.mark.django_db

ON_POSTGRES = pytest.mark.skipif("connection.vendor != 'postgresql'")


@pytest.fixture(autouse=True)
def small_fold_chunks(monkeypatch):
    monkeypatch.setattr(integrity, "FOLD_LEVEL", 5)
    monkeypatch.setattr(integrity, "FOLD_CHUNK", 32)


def record(n: int, start: int = 0) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            audit_record(actor="system", code="test.event", target=("thing", start + i), details={"n": start + i})
            for i in range(n)
        ]


def build_log(*batches: int) -> list[AuditEvent]:
    """Events sequenced in runs of the given sizes: one checkpoint per run."""
    events: list[AuditEvent] = []
    for size in batches:
        events += record(size, start=len(events))
        sequence_and_checkpoint(batch_size=7)
    return events


def _without_triggers(table: str, sql: str, params: list) -> None:
    """Change rows behind the append-only triggers, as the schema owner could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the deferred FK checks now
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        else:
            for trigger in (f"{table}_no_update", f"{table}_no_delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        cursor.execute(sql, params)


# -- the entry -------------------------------------------------------------------------


def test_each_event_stores_the_canonical_text_its_leaf_is_the_hash_of():
    tricky = {
        "id": 7,
        "target_id": "nested keys named like the top-level ones",
        "note": 'quotes " and \\ backslashes, 中文, a tab\t',
        "ratio": 2.0,
        "list": [1, 1.5, None, True, {"b": 1, "a": 2}],
    }
    with transaction.atomic():
        event = audit_record(actor="user:3", code="test.tricky", target=("thing", 'x",1'), details=tricky)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.entry == event.entry
    assert stored.entry.encode() == canonical_bytes(event_dict(stored))
    parsed = parse_canonical(stored.entry.encode())  # byte-for-byte canonical
    assert parsed["id"] == stored.pk and parsed["target_id"] == 'x",1'
    assert parsed["details"]["ratio"] == 2  # integral numbers are stored as integers
    sequence_and_checkpoint()
    assert bytes(LogEntry.objects.get(event=stored).leaf_hash) == entry_leaf_hash(stored.entry)


def test_split_at_id_puts_the_id_between_details_and_the_target_fields():
    head, tail = split_at_id(
        {
            "created_at": "2025-03-01T08:00:00.000000Z",
            "actor": "system",
            "code": "x",
            "target_type": "thing",
            "target_id": "1",
            "details": {"id": 0, "target_id": "1", "target_type": "thing"},
        }
    )
    assert head.endswith('"details":{"id":0,"target_id":"1","target_type":"thing"},"id":')
    assert tail == ',"target_id":"1","target_type":"thing"}'


def test_ids_drawn_by_the_insert_are_unique_and_increasing():
    events = record(5)
    ids = [e.pk for e in events]
    assert ids == sorted(set(ids))
    assert [parse_canonical(e.entry.encode())["id"] for e in events] == ids


def test_events_cannot_be_created_around_the_writer():
    with pytest.raises(ValueError, match="audit_record"):
        AuditEvent.objects.create(actor="x", code="y", target_type="t", target_id="1", details={}, entry="{}")


def test_the_database_refuses_an_event_without_its_entry():
    insert = (
        "INSERT INTO audit_auditevent (created_at, actor, code, target_type, target_id, details, entry) "
        "VALUES ('2025-03-01 08:00:00', 'system', 'test.raw', 'thing', '1', '{}', NULL)"
    )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert)


@ON_POSTGRES
def test_the_database_refuses_a_row_that_disagrees_with_its_entry():
    (event,) = record(1)
    insert = (
        "INSERT INTO audit_auditevent (created_at, actor, code, target_type, target_id, details, entry) "
        "VALUES (now(), 'system', 'test.raw', 'thing', '1', '{}', %s)"
    )
    for entry in (event.entry, "{}"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert, [entry])


# -- verification, both ways ---------------------------------------------------------


@pytest.mark.parametrize("deep", [False, True])
def test_an_intact_log_across_chunks_and_checkpoints_verifies(deep):
    build_log(7, 25, 13, 19, 64, 3)  # 131 leaves: four chunks of 32 and nodes up to level 7
    report = verify_log(deep=deep)
    assert report.ok, report.summary()
    assert (report.leaves, report.checkpoints) == (131, 6)
    assert TreeNode.objects.filter(level=7).exists()


def test_the_empty_log_verifies():
    sequence_and_checkpoint()
    report = verify_log()
    assert report.ok, report.summary()
    assert (report.leaves, report.checkpoints) == (0, 1)


@pytest.mark.parametrize("deep", [False, True])
def test_an_entry_rewritten_with_its_row_is_named_by_its_index(deep):
    events = build_log(40, 20)
    target = AuditEvent.objects.get(pk=events[37].pk)
    forged = {**event_dict(target), "details": {"n": 9999}}
    _without_triggers(
        "audit_auditevent",
        "UPDATE audit_auditevent SET details = %s, entry = %s WHERE id = %s",
        ['{"n": 9999}', canonical_bytes(forged).decode(), target.pk],
    )
    report = verify_log(deep=deep)
    assert not report.ok
    assert report.first_bad_index == 37
    assert f"event #{target.pk} at index 37 does not match its leaf hash" in report.problems[0]


@pytest.mark.parametrize("deep", [False, True])
def test_a_changed_leaf_hash_is_named_by_its_index(deep):
    build_log(50)
    _without_triggers("audit_logentry", "UPDATE audit_logentry SET leaf_hash = %s WHERE \"index\" = 44", [bytes(32)])
    report = verify_log(deep=deep)
    assert report.first_bad_index == 44
    with pytest.raises(CommandError, match="first bad index 44"):
        call_command("audit_verify", *(["--deep"] if deep else []))


@pytest.mark.parametrize("deep", [False, True])
def test_a_missing_leaf_is_named(deep):
    build_log(40)
    _without_triggers("audit_logentry", "DELETE FROM audit_logentry WHERE \"index\" = 33", [])
    report = verify_log(deep=deep)
    assert report.first_bad_index == 33
    assert "leaf index 33 is missing" in report.problems[0]


@pytest.mark.parametrize("deep", [False, True])
def test_a_changed_node_above_the_chunk_height_is_found(deep):
    build_log(70)
    node = TreeNode.objects.get(level=6, index=0)
    _without_triggers("audit_treenode", "UPDATE audit_treenode SET hash = %s WHERE id = %s", [bytes(32), node.pk])
    report = verify_log(deep=deep)
    assert not report.ok
    assert "tree node (6, 0)" in report.problems[0] and "leaves 0..63" in report.problems[0]


@pytest.mark.parametrize("deep", [False, True])
def test_a_node_missing_inside_a_chunk_is_found(deep):
    build_log(70)
    node = TreeNode.objects.get(level=4, index=3)
    _without_triggers("audit_treenode", "DELETE FROM audit_treenode WHERE id = %s", [node.pk])
    report = verify_log(deep=deep)
    assert not report.ok
    assert "tree node" in report.problems[0] and "(4, 3)" in report.problems[0]


@pytest.mark.parametrize("deep", [False, True])
def test_a_forged_checkpoint_root_is_found(deep):
    build_log(20, 30)
    checkpoint = Checkpoint.objects.get(tree_size=20)
    _without_triggers(
        "audit_checkpoint", "UPDATE audit_checkpoint SET root_hash = %s WHERE id = %s", [bytes(32), checkpoint.pk]
    )
    report = verify_log(deep=deep)
    assert not report.ok
    assert report.problems[0].startswith("checkpoint 20: stored root differs")


@ON_POSTGRES
def test_a_weakened_constraint_is_not_trusted():
    events = build_log(30)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DROP CONSTRAINT audit_event_entry_matches")
        cursor.execute("ALTER TABLE audit_auditevent ADD CONSTRAINT audit_event_entry_matches CHECK (entry IS NOT NULL)")
    _without_triggers(
        "audit_auditevent", "UPDATE audit_auditevent SET actor = 'someone else' WHERE id = %s", [events[12].pk]
    )
    report = verify_log()
    assert report.first_bad_index == 12
    assert "audit_event_entry_matches has been altered" in report.problems[-1]
