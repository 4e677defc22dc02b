"""Full check of the stored log: ``manage.py audit_verify`` and the nightly task.

One pass over the log in index order:

- every index from 0 is present once (no gap, no fork);
- each leaf hash is recomputed from the stored event's canonical bytes and compared
  with the stored leaf hash;
- the recomputed leaves are folded into a fresh tree; every subtree hash it produces
  is compared with the stored ``TreeNode`` (the nodes proofs are served from), in the
  order the sequencer stored them;
- at each checkpoint's size the recomputed root must equal the checkpoint's root and
  stored frontier, and its note must carry a valid signature of the log's key for
  that size and root. All checkpoints are roots of prefixes of the one recomputed
  leaf sequence, which is exactly what consistency between consecutive checkpoints
  means; the check therefore also proves every pair consistent.

The report names the first bad leaf index where one can be named (a changed event or
leaf hash); a change that leaves every leaf intact but alters the tree is named by
the first node or checkpoint that differs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection

from audit.canonical import CanonicalError, event_leaf_hash
from audit.checkpoint import CheckpointError, verify_checkpoint
from audit.merkle import Frontier
from audit.models import MIN_STORED_LEVEL, AuditEvent, Checkpoint, LogEntry, PendingEvent, TreeNode
from audit.records import event_columns, event_from_row
from audit.sequencer import key_name, origin, public_key

CHUNK = 10_000


@dataclass
class IntegrityReport:
    leaves: int = 0
    checkpoints: int = 0
    pending: int = 0
    problems: list[str] = field(default_factory=list)
    first_bad_index: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, message: str, *, index: int | None = None) -> None:
        if index is not None and self.first_bad_index is None:
            self.first_bad_index = index
        self.problems.append(message)

    def summary(self) -> str:
        if self.ok:
            return f"intact: {self.leaves} leaves, {self.checkpoints} signed checkpoints, {self.pending} events queued"
        head = f"first bad index {self.first_bad_index}: " if self.first_bad_index is not None else ""
        return f"NOT INTACT: {head}{self.problems[0]}"


class _Stop(Exception):
    pass


def _stream(sql: str) -> Iterator[tuple]:
    """Rows of a large read, fetched in chunks (a server-side cursor on PostgreSQL)."""
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(CHUNK):
            yield from rows
    finally:
        cursor.close()


def _stored_nodes() -> Iterator[tuple[int, int, bytes]]:
    # Stored in the order the sequencer's frontier produced them (id order).
    column = connection.ops.quote_name("index")
    table = TreeNode._meta.db_table
    for level, index, digest in _stream(
        f"SELECT level, {column}, hash FROM {table} WHERE level >= {MIN_STORED_LEVEL} ORDER BY id"
    ):
        yield level, index, bytes(digest)


def _log_rows() -> Iterator[tuple]:
    index = connection.ops.quote_name("index")
    return _stream(
        f"SELECT l.{index}, l.leaf_hash, {event_columns(connection.vendor)} FROM {LogEntry._meta.db_table} l "
        f"JOIN {AuditEvent._meta.db_table} e ON e.id = l.event_id ORDER BY l.{index}"
    )


def verify_log(*, max_problems: int = 1) -> IntegrityReport:
    report = IntegrityReport()
    pub = public_key()
    name = key_name()
    checkpoints = list(
        Checkpoint.objects.order_by("tree_size").values_list("tree_size", "root_hash", "note", "frontier")
    )
    stored_nodes = _stored_nodes()
    node_problem: list[str] = []

    def compare_node(level: int, index: int, digest: bytes) -> None:
        if level < MIN_STORED_LEVEL or node_problem:
            return
        stored = next(stored_nodes, None)
        if stored is None:
            node_problem.append(f"tree node ({level}, {index}) is missing from the store")
        elif stored[:2] != (level, index) or stored[2] != digest:
            node_problem.append(
                f"tree node ({stored[0]}, {stored[1]}) differs from the recomputed node ({level}, {index}); "
                f"leaves {index << level}..{((index + 1) << level) - 1}"
            )

    frontier = Frontier(on_node=compare_node)
    position = 0  # next checkpoint to check

    def check_checkpoints_at(size: int) -> None:
        nonlocal position
        while position < len(checkpoints) and checkpoints[position][0] == size:
            tree_size, root_hash, note, stored_frontier = checkpoints[position]
            position += 1
            report.checkpoints += 1
            root = frontier.root()
            if bytes(root_hash) != root:
                report.fail(f"checkpoint {tree_size}: stored root differs from the root recomputed from the leaves")
            elif [h.hex() for h in frontier.state()[1]] != list(stored_frontier):
                report.fail(f"checkpoint {tree_size}: stored frontier differs from the recomputed tree")
            else:
                try:
                    signed = verify_checkpoint(note, pub, name)
                except CheckpointError as exc:
                    report.fail(f"checkpoint {tree_size}: signature does not verify ({exc})")
                else:
                    if (signed.origin, signed.tree_size, signed.root_hash) != (origin(), tree_size, root):
                        report.fail(f"checkpoint {tree_size}: the signed note names another origin, size or root")
            if len(report.problems) >= max_problems:
                raise _Stop

    rows = _log_rows()
    try:
        check_checkpoints_at(0)
        for index, leaf, *event_row in rows:
            event_id = event_row[0]
            if index != report.leaves:
                report.fail(f"leaf index {report.leaves} is missing (next stored index is {index})", index=report.leaves)
                raise _Stop
            try:
                recomputed = event_leaf_hash(event_from_row(event_row))
            except CanonicalError as exc:
                report.fail(f"event #{event_id} at index {index} cannot be serialised: {exc}", index=index)
                raise _Stop from None
            if recomputed != bytes(leaf):
                report.fail(
                    f"event #{event_id} at index {index} does not match its leaf hash (event or leaf altered)",
                    index=index,
                )
                raise _Stop
            frontier.append(recomputed)
            report.leaves += 1
            if node_problem:
                report.fail(node_problem[0])
                raise _Stop
            check_checkpoints_at(report.leaves)
        if position < len(checkpoints):
            report.fail(
                f"checkpoint {checkpoints[position][0]} is larger than the log ({report.leaves} leaves)",
                index=report.leaves,
            )
        elif next(stored_nodes, None) is not None:
            report.fail("the store holds tree nodes beyond the log")
    except _Stop:
        pass
    if report.ok:
        report.pending = PendingEvent.objects.count()
        total = AuditEvent.objects.count()
        if total != report.leaves + report.pending:
            report.fail(
                f"{total} events are stored but {report.leaves} are in the log and {report.pending} queued"
            )
    return report

