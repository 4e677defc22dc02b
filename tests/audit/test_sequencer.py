"""The sequencer, checkpoints, proofs served from stored nodes, and audit_verify."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from audit import merkle
from audit.canonical import event_leaf_hash
from audit.checkpoint import verify_checkpoint
from audit.integrity import verify_log
from audit.models import MIN_STORED_LEVEL, AuditEvent, Checkpoint, LogEntry, PendingEvent, TreeNode
from audit.records import event_dict
from audit.selectors import consistency_proof, inclusion_proof, inclusion_proofs, root_at
from audit.sequencer import key_name, public_key, sequence_and_checkpoint
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def record(n: int, code: str = "test.event") -> list[AuditEvent]:
    with transaction.atomic():
        return [audit_record(actor="system", code=code, target=("thing", i), details={"n": i}) for i in range(n)]


def test_sequencer_gives_every_event_one_index_in_order_and_signs_a_checkpoint():
    events = record(5)
    result = sequence_and_checkpoint()
    assert result.sequenced == 5
    assert list(LogEntry.objects.order_by("index").values_list("index", "event_id")) == [
        (i, e.pk) for i, e in enumerate(events)
    ]
    assert not PendingEvent.objects.exists()
    checkpoint = result.checkpoint
    assert checkpoint.tree_size == 5
    leaves = [event_leaf_hash(event_dict(AuditEvent.objects.get(pk=e.pk))) for e in events]
    assert bytes(checkpoint.root_hash) == merkle.root(leaves)
    signed = verify_checkpoint(checkpoint.note, public_key(), key_name())
    assert signed.tree_size == 5 and signed.root_hash == merkle.root(leaves)


def test_no_new_events_means_no_new_checkpoint():
    record(2)
    sequence_and_checkpoint()
    assert sequence_and_checkpoint().checkpoint is None
    assert Checkpoint.objects.count() == 1


def test_tree_resumes_across_runs_and_batches_without_rereading_leaves():
    first = record(3)
    sequence_and_checkpoint()
    second = record(10)
    result = sequence_and_checkpoint(batch_size=4)
    assert result.sequenced == 10
    every = [event_leaf_hash(event_dict(AuditEvent.objects.get(pk=e.pk))) for e in first + second]
    assert bytes(result.checkpoint.root_hash) == merkle.root(every)


def test_proofs_from_stored_and_recomputed_nodes_match_the_reference_tree():
    # 70 leaves: subtrees of 16 and 32 and 64 leaves come from stored TreeNode rows,
    # smaller ones are recomputed from leaves; batches of 23 cut across all of them.
    events = record(70)
    sequence_and_checkpoint(batch_size=23)
    leaves = [bytes(h) for h in LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert len(leaves) == len(events)
    assert TreeNode.objects.filter(level=MIN_STORED_LEVEL).count() == 70 // 16
    for size in (1, 7, 8, 13, 16, 17, 32, 33, 64, 70):
        root = merkle.root(leaves[:size])
        assert root_at(size) == root
        for index in sorted(i for i in {0, 1, size // 2, size - 2, size - 1} if 0 <= i < size):
            leaf, path = inclusion_proof(index, size)
            assert leaf == leaves[index]
            assert path == merkle.inclusion_proof(leaves, index, size)
            assert merkle.verify_inclusion(leaf, index, size, path, root)
    for first in range(0, 71):
        assert consistency_proof(first, 70) == merkle.consistency_proof(leaves, first, 70)
    assert consistency_proof(17, 33) == merkle.consistency_proof(leaves, 17, 33)
    batch = inclusion_proofs(list(range(70)), 70)
    assert all(batch[i] == merkle.inclusion_proof(leaves, i, 70) for i in range(70))


def test_audit_verify_passes_on_an_intact_log():
    record(9)
    sequence_and_checkpoint(batch_size=4)
    record(3)
    sequence_and_checkpoint()
    report = verify_log()
    assert report.ok, report.summary()
    assert (report.leaves, report.checkpoints) == (12, 2)
    call_command("audit_verify")


def test_audit_checkpoint_command_prints_the_signed_note(capsys):
    record(2)
    call_command("audit_checkpoint")
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "2"
    assert out.splitlines()[4].startswith("\u2014 ")


def test_append_only_triggers_refuse_update_and_delete():
    events = record(16)  # a full subtree, so every audit table has rows
    sequence_and_checkpoint()
    for sql in (
        "UPDATE audit_auditevent SET actor = 'x'",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_logentry SET leaf_hash = leaf_hash",
        "DELETE FROM audit_checkpoint",
        "DELETE FROM audit_treenode",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.filter(pk=events[0].pk, actor="system").exists()


def _tamper(sql: str, params: list) -> None:
    """Edit a row behind the triggers' back, as someone with the schema owner's rights could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
            cursor.execute(sql, params)  # the test's rollback restores the triggers
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_update")
            cursor.execute(sql, params)


def test_audit_verify_names_the_first_event_edited_behind_the_triggers():
    events = record(20)
    sequence_and_checkpoint()
    edit = ("UPDATE audit_auditevent SET details = %s WHERE id IN (%s, %s)", ['{"n": 99}', events[6].pk, events[11].pk])
    if connection.vendor == "postgresql":
        # With the triggers off, the CHECK constraint still holds each row to its entry ...
        with pytest.raises(IntegrityError, match="audit_event_entry_matches"), transaction.atomic():
            _tamper(*edit)
        # ... so the table's owner has to drop it first, and the check notices that too.
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DROP CONSTRAINT audit_event_entry_matches")
    _tamper(*edit)
    report = verify_log()
    assert not report.ok
    assert report.first_bad_index == 6
    assert "does not match its leaf hash" in report.problems[0]
    if connection.vendor == "postgresql":
        assert "audit_event_entry_matches is missing" in report.problems[-1]
    with pytest.raises(CommandError, match="first bad index 6"):
        call_command("audit_verify")


def test_an_event_the_log_could_not_hash_is_refused_at_write_time():
    with pytest.raises(ValueError, match="cannot be logged"), transaction.atomic():
        audit_record(actor="system", code="test.bad", target=("thing", 1), details={"ratio": float("nan")})
    assert not AuditEvent.objects.filter(code="test.bad").exists()


def test_nightly_task_records_its_result_in_the_log():
    from audit.tasks import verify_log_task

    record(3)
    sequence_and_checkpoint()
    assert verify_log_task.apply().get() is True
    event = AuditEvent.objects.get(code="log.verified")
    assert event.details == {"ok": True, "leaves": 3, "checkpoints": 1, "first_bad_index": None, "problem": ""}


def test_audit_verify_finds_a_stored_tree_node_changed_behind_the_triggers():
    record(40)
    sequence_and_checkpoint()
    node = TreeNode.objects.get(level=MIN_STORED_LEVEL, index=1)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_treenode DISABLE TRIGGER ALL")
        else:
            cursor.execute("DROP TRIGGER audit_treenode_no_update")
        cursor.execute("UPDATE audit_treenode SET hash = %s WHERE id = %s", [bytes(32), node.pk])
    report = verify_log()
    assert not report.ok
    assert "leaves 16..31" in report.problems[0]


def test_events_appended_together_are_logged_as_if_one_by_one():
    from audit.services import audit_record_many

    before = record(1)
    with transaction.atomic():
        together = audit_record_many(actor="system", code="test.batch",
                                     entries=[(("thing", i), {"n": i, "word": "批"}) for i in range(4)])
    after = record(1)
    ids = [e.pk for e in before + together + after]
    assert ids == sorted(ids) and len(set(ids)) == 6
    for event in together:
        stored = AuditEvent.objects.get(pk=event.pk)
        assert stored.entry == event.entry and str(event.pk) in stored.entry
        assert stored.details == {"n": int(stored.target_id), "word": "批"}
    assert sequence_and_checkpoint().sequenced == 6
    report = verify_log(deep=True)
    assert report.ok, report.problems


@pytest.mark.django_db(transaction=True)
def test_an_event_recorded_alone_outside_a_transaction_is_logged_like_any_other():
    from audit.services import audit_record_alone

    assert not connection.in_atomic_block
    before = record(1)
    alone = audit_record_alone(actor="platform:1", code="test.alone", target=("screening", "author-7"),
                               details={"verdict": "warn", "kinds": ["phone"]})
    after = record(1)
    ids = [e.pk for e in before + [alone] + after]
    assert ids == sorted(ids) and len(set(ids)) == 3
    stored = AuditEvent.objects.get(pk=alone.pk)
    assert stored.entry == alone.entry and str(alone.pk) in stored.entry
    assert stored.details == {"verdict": "warn", "kinds": ["phone"]}
    assert PendingEvent.objects.filter(event_id=alone.pk).exists()
    assert sequence_and_checkpoint().sequenced == 3
    report = verify_log(deep=True)
    assert report.ok, report.problems


def test_an_event_recorded_alone_inside_a_transaction_is_part_of_it():
    from audit.services import audit_record_alone

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        audit_record_alone(actor="system", code="test.alone", target=("thing", 1))
        raise Abandoned
    assert not AuditEvent.objects.filter(code="test.alone").exists()
    assert not PendingEvent.objects.exists()
