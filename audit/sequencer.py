"""The sequencer: gives committed events their log index and signs checkpoints.

Writers never wait for each other: ``audit_record`` only inserts an ``AuditEvent``,
and a trigger queues its id in ``PendingEvent`` in the same transaction. The queue
row becomes visible exactly when the event commits, so an event whose transaction
commits late (after events with higher ids) is still found: nothing is missed and
nothing is read twice, because a sequenced event's queue row is deleted in the same
transaction that writes its ``LogEntry``.

Only one sequencer runs at a time (a transaction-level advisory lock on PostgreSQL;
SQLite's single write lock, taken at BEGIN, on SQLite). It resumes the tree from the
frontier stored with the latest checkpoint, appends the new leaves in batches,
stores every completed subtree hash (``TreeNode``) for proofs, and signs one
checkpoint for everything it appended. Beat runs it every second, so an event is
covered by a signed checkpoint within about two seconds of its commit.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.canonical import entry_leaf_hash
from audit.checkpoint import load_private_key, sign_checkpoint, verifier_key_string
from audit.merkle import Frontier
from audit.models import MIN_STORED_LEVEL, AuditEvent, Checkpoint, LogEntry, PendingEvent, TreeNode

# pg_try_advisory_xact_lock key: "audit-sequencer" folded into a bigint.
ADVISORY_LOCK_KEY = 0x6175646974_5351
BATCH_SIZE = 5000
MAX_PER_RUN = 200_000


@lru_cache(maxsize=4)
def _load_key(encoded: str) -> Ed25519PrivateKey:
    return load_private_key(encoded)


def signing_key() -> Ed25519PrivateKey:
    """The log's Ed25519 key: ``settings.AUDIT_SIGNING_KEY`` (base64 of 32 bytes, PEM
    or a note signer key)."""
    return _load_key(settings.AUDIT_SIGNING_KEY)


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def origin() -> str:
    return settings.AUDIT_LOG_ORIGIN


def key_name() -> str:
    """Signed-note key names may not hold spaces or '+': the origin qualifies."""
    return origin().replace(" ", "_").replace("+", "-")


def verifier_key() -> str:
    return verifier_key_string(key_name(), public_key())


@dataclass(frozen=True)
class SequenceResult:
    sequenced: int
    checkpoint: Checkpoint | None
    locked_out: bool = False


def _acquire_lock() -> bool:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
            return bool(cursor.fetchone()[0])
    # SQLite: settings open every transaction IMMEDIATE, so BEGIN already holds the
    # database's one write lock.
    return True


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Append rows fast: COPY on PostgreSQL, executemany elsewhere.

    The rows are ints and 32-byte hashes only, so the COPY text form is simple: bytea
    in hex (``\\x...``), no value needs escaping.
    """
    if not rows:
        return
    table = model._meta.db_table
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(f"\\\\x{v.hex()}" if isinstance(v, bytes) else str(v) for v in row))
                buffer.write("\n")
            buffer.seek(0)
            cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _entries(ids: list[int]) -> list[tuple[int, str]]:
    """``(id, entry)`` of the given events in id order: the entry is what gets hashed."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT id, entry FROM {table} WHERE id = ANY(%s) ORDER BY id", [ids])
        else:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(f"SELECT id, entry FROM {table} WHERE id IN ({marks}) ORDER BY id", ids)
        return cursor.fetchall()


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-tree_size").first()


def sequence_and_checkpoint(*, max_events: int = MAX_PER_RUN, batch_size: int = BATCH_SIZE) -> SequenceResult:
    """Sequence the queued events (up to ``max_events``) and sign a checkpoint.

    A checkpoint is signed only when events were appended (or none exists yet, so the
    empty log has a signed head too). Idempotent and safe to run concurrently: a run
    that cannot take the lock returns at once.
    """
    with transaction.atomic():
        if not _acquire_lock():
            return SequenceResult(0, None, locked_out=True)
        latest = latest_checkpoint()
        if latest is None:
            size, hashes = 0, []
        else:
            size, hashes = latest.tree_size, [bytes.fromhex(h) for h in latest.frontier]
        nodes: list[tuple[int, int, bytes]] = []

        def keep_node(level: int, index: int, digest: bytes) -> None:
            if level >= MIN_STORED_LEVEL:  # leaves are LogEntry rows; small subtrees are recomputed
                nodes.append((level, index, digest))

        frontier = Frontier.from_state(size, hashes, on_node=keep_node)
        appended = 0
        while appended < max_events:
            limit = min(batch_size, max_events - appended)
            ids = list(PendingEvent.objects.order_by("event_id").values_list("event_id", flat=True)[:limit])
            if not ids:
                break
            entries = []
            for event_id, entry in _entries(ids):
                leaf = entry_leaf_hash(entry)
                entries.append((frontier.size, event_id, leaf))
                frontier.append(leaf)
            _insert(LogEntry, ("index", "event_id", "leaf_hash"), entries)
            _insert(TreeNode, ("level", "index", "hash"), nodes)
            nodes.clear()
            PendingEvent.objects.filter(event_id__in=ids).delete()
            appended += len(entries)
        if appended == 0 and latest is not None:
            return SequenceResult(0, None)
        tree_size, state = frontier.state()
        root_hash = frontier.root()
        note = sign_checkpoint(origin(), tree_size, root_hash, signing_key(), key_name())
        checkpoint = Checkpoint.objects.create(
            tree_size=tree_size,
            root_hash=root_hash,
            note=note,
            frontier=[h.hex() for h in state],
            created_at=timezone.now(),
        )
    return SequenceResult(appended, checkpoint)


def checkpoint_covering(event_ids: list[int], *, attempts: int = 20) -> Checkpoint:
    """A checkpoint that covers every given (committed) event, sequencing now if needed.

    Used by exports: the proofs of an export must all lead to one signed root.
    """
    for _ in range(attempts):
        unsequenced = PendingEvent.objects.filter(event_id__in=event_ids).exists()
        latest = latest_checkpoint()
        if not unsequenced and latest is not None:
            return latest
        if sequence_and_checkpoint().locked_out:
            time.sleep(0.1)  # another run holds the lock; it will cover them
    raise RuntimeError("the sequencer did not cover the events in time (is another run stuck?)")
