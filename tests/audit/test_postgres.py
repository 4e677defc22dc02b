"""PostgreSQL-only guarantees: concurrent writers, one sequencer, a least-privilege role."""

from __future__ import annotations

import random
import threading
import time
import uuid
from datetime import UTC, datetime

import psycopg2
import pytest
from django.db import connection, connections, transaction

from audit.canonical import split_at_id
from audit.integrity import verify_log
from audit.models import AuditEvent, Checkpoint, LogEntry, PendingEvent
from audit.sequencer import sequence_and_checkpoint
from audit.services import audit_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


WRITERS = 16
EVENTS_PER_WRITER = 40


def _writer(number: int, errors: list) -> None:
    rng = random.Random(number)
    try:
        for i in range(EVENTS_PER_WRITER):
            with transaction.atomic():
                audit_record(actor=f"user:{number}", code="test.concurrent", target=("thing", number), details={"i": i})
                # Hold some transactions open so higher ids commit before lower ones.
                if rng.random() < 0.2:
                    time.sleep(rng.random() * 0.02)
    except Exception as exc:  # reported by the test thread
        errors.append(exc)
    finally:
        connections.close_all()


def _sequencer(stop: threading.Event, errors: list) -> None:
    try:
        while not stop.is_set():
            sequence_and_checkpoint(batch_size=37)
            time.sleep(0.005)
    except Exception as exc:
        errors.append(exc)
    finally:
        connections.close_all()


def test_sixteen_concurrent_writers_and_two_sequencers_give_one_gap_free_log():
    errors: list = []
    stop = threading.Event()
    sequencers = [threading.Thread(target=_sequencer, args=(stop, errors)) for _ in range(2)]
    writers = [threading.Thread(target=_writer, args=(n, errors)) for n in range(WRITERS)]
    for thread in sequencers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    for thread in sequencers:
        thread.join()
    assert errors == []
    while sequence_and_checkpoint().sequenced:
        pass

    total = WRITERS * EVENTS_PER_WRITER
    assert AuditEvent.objects.filter(code="test.concurrent").count() == total
    assert not PendingEvent.objects.exists()
    indexes = list(LogEntry.objects.order_by("index").values_list("index", flat=True))
    assert indexes == list(range(total))  # no gap, no duplicate
    assert LogEntry.objects.values("event_id").distinct().count() == total  # every event once
    sizes = list(Checkpoint.objects.order_by("created_at", "tree_size").values_list("tree_size", flat=True))
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)  # one history, never forked
    report = verify_log()
    assert report.ok, report.summary()
    assert report.leaves == total


def test_an_insert_only_role_can_append_but_never_update_delete_or_truncate():
    with transaction.atomic():
        audit_record(actor="system", code="test.before", target=("thing", 1))
    sequence_and_checkpoint()
    role = f"audit_app_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    settings_dict = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD %s", [password])
        cursor.execute(f"GRANT CONNECT ON DATABASE {connection.ops.quote_name(settings_dict['NAME'])} TO {role}")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        # The grants docs/AUDIT.md recommends for the application's role.
        cursor.execute(
            f"GRANT SELECT, INSERT ON audit_auditevent, audit_logentry, audit_treenode, audit_checkpoint TO {role}"
        )
        cursor.execute(f"GRANT SELECT, INSERT, DELETE ON audit_pendingevent TO {role}")
        cursor.execute(f"GRANT USAGE ON SEQUENCE audit_auditevent_id_seq, audit_treenode_id_seq, audit_checkpoint_id_seq TO {role}")
    try:
        restricted = psycopg2.connect(
            dbname=settings_dict["NAME"],
            user=role,
            password=password,
            host=settings_dict["HOST"] or "127.0.0.1",
            port=settings_dict["PORT"] or 5432,
        )
        restricted.autocommit = True
        try:
            with restricted.cursor() as cursor:
                moment = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
                head, tail = split_at_id(
                    {"created_at": moment, "actor": "system", "code": "test.restricted",
                     "target_type": "thing", "target_id": "2", "details": {}}
                )
                cursor.execute(
                    "WITH n AS (SELECT nextval('audit_auditevent_id_seq'::regclass) AS id) "
                    "INSERT INTO audit_auditevent (id, created_at, actor, code, target_type, target_id, details, entry) "
                    "SELECT n.id, %s, 'system', 'test.restricted', 'thing', '2', '{}', %s || n.id || %s FROM n "
                    "RETURNING id",
                    [moment, head, tail],
                )
                new_id = cursor.fetchone()[0]
                cursor.execute("SELECT count(*) FROM audit_pendingevent WHERE event_id = %s", [new_id])
                assert cursor.fetchone()[0] == 1  # queued for the sequencer by the trigger
                for sql in (
                    "UPDATE audit_auditevent SET actor = 'someone else'",
                    "DELETE FROM audit_auditevent",
                    "TRUNCATE audit_auditevent CASCADE",
                    "UPDATE audit_checkpoint SET note = ''",
                    "DELETE FROM audit_logentry",
                ):
                    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                        cursor.execute(sql)
        finally:
            restricted.close()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
    assert AuditEvent.objects.filter(code="test.restricted").exists()
    assert AuditEvent.objects.filter(code="test.before", actor="system").exists()


def test_truncate_is_refused_by_the_trigger_even_for_the_owner():
    with transaction.atomic():
        audit_record(actor="system", code="test.before", target=("thing", 1))
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.count() == 1
