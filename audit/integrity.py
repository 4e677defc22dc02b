"""Full check of the stored log: ``manage.py audit_verify`` and the nightly task.

What is checked, whichever way:

- every index from 0 is present once (no gap, no fork);
- each event's leaf hash is recomputed from its stored entry (the canonical text) and
  compared with the stored leaf hash, and the entry is held to the event's columns;
- the leaves are folded into a fresh tree; every stored subtree hash (``TreeNode``,
  the nodes proofs are served from) is compared with the recomputed one;
- at each checkpoint's size the recomputed root must equal the checkpoint's root and
  stored frontier, and its note must carry a valid signature of the log's key for
  that size and root. All checkpoints are roots of prefixes of the one recomputed
  leaf sequence, which is exactly what consistency between consecutive checkpoints
  means; the check therefore also proves every pair consistent.

Two ways to run it:

- **Fast** (PostgreSQL, the default there): the database recomputes every leaf hash
  from the stored entries in one parallel pass, and Python rebuilds the tree from the
  leaf hashes a chunk of 65,536 at a time. That every row's columns equal its entry
  is the database's CHECK constraint (``audit.enforcement.ENTRY_CHECK``): the fast
  check first makes sure that constraint is in place, validated and unaltered, and
  falls back to the deep check when it is not, so the first bad row is still named.
- **Deep** (``deep=True``, ``audit_verify --deep``; always on SQLite): every row is
  read and re-serialised in Python, the canonical form rebuilt from its columns and
  compared with its entry and leaf hash. It needs no trust in any constraint (use it
  after restoring a backup or on suspicion of tampering below SQL), at about a tenth
  of the speed.

The report names the first bad leaf index where one can be named (a changed event or
leaf hash); a change that leaves every leaf intact but alters the tree is named by
the first node or checkpoint that differs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from audit.canonical import CanonicalError, canonical_bytes, leaf_hash
from audit.checkpoint import CheckpointError, verify_checkpoint
from audit.enforcement import entry_check_problem
from audit.merkle import HASH_SIZE, Frontier, build_levels, root_from_frontier, subtree_roots
from audit.models import MIN_STORED_LEVEL, AuditEvent, Checkpoint, LogEntry, PendingEvent, TreeNode
from audit.records import event_columns, event_from_row
from audit.sequencer import key_name, origin, public_key

CHUNK = 10_000
# The fast check rebuilds the tree a chunk of 2**FOLD_LEVEL leaves at a time: whole
# levels at once (a list comprehension per level) instead of one call per leaf.
FOLD_LEVEL = 16
FOLD_CHUNK = 1 << FOLD_LEVEL


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
        f"SELECT l.{index}, l.leaf_hash, e.entry, {event_columns(connection.vendor)} FROM {LogEntry._meta.db_table} l "
        f"JOIN {AuditEvent._meta.db_table} e ON e.id = l.event_id ORDER BY l.{index}"
    )


def _checkpoints() -> list[tuple[int, bytes, str, list[str]]]:
    return [
        (size, bytes(root), note, frontier)
        for size, root, note, frontier in Checkpoint.objects.order_by("tree_size").values_list(
            "tree_size", "root_hash", "note", "frontier"
        )
    ]


def verify_log(*, max_problems: int = 1, deep: bool = False) -> IntegrityReport:
    """Check the whole log (see the module docstring); ``deep`` re-serialises every row."""
    if connection.vendor != "postgresql" or deep:
        return _verify_deep(max_problems)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            if outermost:
                # One snapshot for every query of the check, while the sequencer goes on.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            problem = entry_check_problem(cursor)
            if problem is None:
                # A second connection can share the snapshot only when this transaction
                # holds no uncommitted writes of its own, i.e. when it is the outermost.
                report = _verify_fast(cursor, side_by_side=outermost)
                _count_events(report)
                return report
    report = _verify_deep(max_problems)
    report.fail(problem)
    return report


def _count_events(report: IntegrityReport) -> None:
    if report.ok:
        report.pending = PendingEvent.objects.count()
        total = AuditEvent.objects.count()
        if total != report.leaves + report.pending:
            report.fail(
                f"{total} events are stored but {report.leaves} are in the log and {report.pending} queued"
            )


def _verify_deep(max_problems: int) -> IntegrityReport:
    report = IntegrityReport()
    pub = public_key()
    name = key_name()
    checkpoints = _checkpoints()
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
            _check_checkpoint(report, (tree_size, root_hash, note, stored_frontier), frontier.state()[1], pub, name)
            if len(report.problems) >= max_problems:
                raise _Stop

    rows = _log_rows()
    try:
        check_checkpoints_at(0)
        for index, leaf, entry, *event_row in rows:
            event_id = event_row[0]
            if index != report.leaves:
                report.fail(f"leaf index {report.leaves} is missing (next stored index is {index})", index=report.leaves)
                raise _Stop
            try:
                data = canonical_bytes(event_from_row(event_row))
            except CanonicalError as exc:
                report.fail(f"event #{event_id} at index {index} cannot be serialised: {exc}", index=index)
                raise _Stop from None
            recomputed = leaf_hash(data)
            if recomputed != bytes(leaf):
                report.fail(
                    f"event #{event_id} at index {index} does not match its leaf hash (event or leaf altered)",
                    index=index,
                )
                raise _Stop
            if entry is None or entry.encode("utf-8") != data:
                report.fail(f"event #{event_id} at index {index}: its stored entry differs from the event", index=index)
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
    _count_events(report)
    return report


def _check_checkpoint(report: IntegrityReport, checkpoint: tuple, parts: list[bytes], pub, name: str) -> None:
    """One stored checkpoint against the recomputed frontier ``parts`` at its size."""
    tree_size, root_hash, note, stored_frontier = checkpoint
    report.checkpoints += 1
    root = root_from_frontier(parts)
    if bytes(root_hash) != root:
        report.fail(f"checkpoint {tree_size}: stored root differs from the root recomputed from the leaves")
    elif [h.hex() for h in parts] != list(stored_frontier):
        report.fail(f"checkpoint {tree_size}: stored frontier differs from the recomputed tree")
    else:
        try:
            signed = verify_checkpoint(note, pub, name)
        except CheckpointError as exc:
            report.fail(f"checkpoint {tree_size}: signature does not verify ({exc})")
        else:
            if (signed.origin, signed.tree_size, signed.root_hash) != (origin(), tree_size, root):
                report.fail(f"checkpoint {tree_size}: the signed note names another origin, size or root")


# -- fast check (PostgreSQL) -----------------------------------------------------------

_LEAF_CHECK = f"""
SELECT min(l.index) FROM {LogEntry._meta.db_table} l
  LEFT JOIN {AuditEvent._meta.db_table} e ON e.id = l.event_id
 WHERE e.id IS NULL
    OR l.leaf_hash IS DISTINCT FROM sha256(decode('00', 'hex') || convert_to(e.entry, 'UTF8'))
"""

_LEAVES = (
    f"SELECT string_agg(leaf_hash, ''::bytea ORDER BY index) FROM {LogEntry._meta.db_table} "
    "WHERE index >= %s AND index < %s"
)

# The stored complete subtrees of levels [low, high] inside leaves [begin, end), one
# concatenation of hashes per level (each an index range scan of the unique index).
_NODES = (
    f"SELECT k, (SELECT string_agg(hash, ''::bytea ORDER BY index) FROM {TreeNode._meta.db_table} "
    "WHERE level = k AND index >= (%s::bigint >> k) AND index < (%s::bigint >> k)) "
    "FROM generate_series(%s::int, %s::int) AS k"
)


class _Stopped(Exception):
    pass


def _leaf_check(cursor) -> int | None:
    """The first log index whose leaf hash is not the hash of its event's entry."""
    # A merge join along the two unique indexes, in one process: the parallel hash
    # join PostgreSQL would pick costs twice the CPU, which the tree rebuild running
    # beside this query needs on a small machine.
    cursor.execute(
        "SELECT set_config('max_parallel_workers_per_gather', '0', true), "
        "set_config('enable_hashjoin', 'off', true), set_config('work_mem', '64MB', true)"
    )
    cursor.execute(_LEAF_CHECK)
    return cursor.fetchone()[0]


def _leaf_check_in_snapshot(snapshot: str, result: dict) -> None:
    """``_leaf_check`` on a connection of its own that sees exactly ``snapshot``."""
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        side.ensure_connection()
        with side.connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
            result["bad"] = _leaf_check(cursor)
            cursor.execute("COMMIT")
    except Exception as exc:  # handed to the caller's thread
        result["error"] = exc
    finally:
        side.close()


def _verify_fast(cursor, *, side_by_side: bool) -> IntegrityReport:
    report = IntegrityReport()
    table = LogEntry._meta.db_table
    cursor.execute(f"SELECT count(*), min(index), max(index) FROM {table}")
    size, low, high = cursor.fetchone()
    if size and (low != 0 or high != size - 1):
        if low != 0:
            missing = 0
        else:
            cursor.execute(
                f"SELECT min(l.index) + 1 FROM {table} l WHERE l.index < %s "
                f"AND NOT EXISTS (SELECT 1 FROM {table} m WHERE m.index = l.index + 1)",
                [high],
            )
            missing = cursor.fetchone()[0]
        report.fail(f"leaf index {missing} is missing", index=missing)
        report.leaves = missing
        return report
    if side_by_side:
        # The leaves are checked by the database while Python rebuilds the tree from
        # the same snapshot: the two halves of the work use both cores.
        cursor.execute("SELECT pg_export_snapshot()")
        result: dict = {}
        worker = threading.Thread(target=_leaf_check_in_snapshot, args=(cursor.fetchone()[0], result))
        worker.start()
        try:
            _fold(cursor, report, size)
        except _Stopped:
            pass
        finally:
            worker.join()
        if "error" in result:
            raise result["error"]
        bad = result["bad"]
    else:
        bad = _leaf_check(cursor)
        if bad is None:
            try:
                _fold(cursor, report, size)
            except _Stopped:
                pass
    if bad is not None:
        # A bad leaf comes first: what the tree check said was built on it.
        cursor.execute(f"SELECT event_id FROM {table} WHERE index = %s", [bad])
        event_id = cursor.fetchone()[0]
        report = IntegrityReport(leaves=bad)
        report.fail(
            f"event #{event_id} at index {bad} does not match its leaf hash (event or leaf altered)", index=bad
        )
        return report
    report.leaves = size
    return report


def _stored_levels(cursor, begin: int, end: int, low: int, high: int) -> dict[int, bytes]:
    cursor.execute(_NODES, [begin, end, low, high])
    return {level: bytes(blob) if blob is not None else b"" for level, blob in cursor.fetchall()}


def _compare_level(cursor, report: IntegrityReport, level: int, first: int, computed: list[bytes], stored: bytes) -> None:
    """Stored nodes ``(level, first..)`` against the recomputed ones; names the first difference."""
    if stored == b"".join(computed):
        return
    cursor.execute(
        f"SELECT index, hash FROM {TreeNode._meta.db_table} WHERE level = %s AND index >= %s AND index < %s "
        "ORDER BY index",
        [level, first, first + len(computed)],
    )
    rows = cursor.fetchall()
    for offset, digest in enumerate(computed):
        index = first + offset
        if offset >= len(rows) or rows[offset][0] != index:
            report.fail(f"tree node ({level}, {index}) is missing from the store")
        elif bytes(rows[offset][1]) != digest:
            report.fail(
                f"tree node ({level}, {index}) differs from the recomputed node; "
                f"leaves {index << level}..{((index + 1) << level) - 1}"
            )
        else:
            continue
        raise _Stopped
    report.fail(f"the store holds unexpected tree nodes at level {level}")
    raise _Stopped


def _fold(cursor, report: IntegrityReport, size: int) -> None:
    """Rebuild the tree from the stored leaf hashes (already checked against the
    entries) and compare every stored node and checkpoint."""
    checkpoints = _checkpoints()
    if checkpoints and checkpoints[-1][0] > size:
        over = next(cp for cp in checkpoints if cp[0] > size)
        report.fail(f"checkpoint {over[0]} is larger than the log ({size} leaves)", index=size)
        raise _Stopped
    # The frontier of each checkpoint: the parts below FOLD_LEVEL lie in the chunk
    # holding its last leaf and are taken while that chunk's levels are at hand.
    low_parts: dict[int, list[bytes]] = {}
    by_chunk: dict[int, list[int]] = {}
    for tree_size, *_ in checkpoints:
        if tree_size % FOLD_CHUNK:
            by_chunk.setdefault(tree_size // FOLD_CHUNK, []).append(tree_size)
    chunk_roots: list[bytes] = []
    for begin in range(0, size, FOLD_CHUNK):
        end = min(begin + FOLD_CHUNK, size)
        cursor.execute(_LEAVES, [begin, end])
        blob = bytes(cursor.fetchone()[0] or b"")
        if len(blob) != HASH_SIZE * (end - begin):
            report.fail(f"a stored leaf hash among leaves {begin}..{end - 1} is not {HASH_SIZE} bytes", index=begin)
            raise _Stopped
        levels = build_levels([blob[i : i + HASH_SIZE] for i in range(0, len(blob), HASH_SIZE)])
        top = min(len(levels) - 1, FOLD_LEVEL)
        if top >= MIN_STORED_LEVEL:
            stored = _stored_levels(cursor, begin, end, MIN_STORED_LEVEL, top)
            for level in range(MIN_STORED_LEVEL, top + 1):
                _compare_level(cursor, report, level, begin >> level, levels[level], stored.get(level, b""))
        for tree_size in by_chunk.get(begin // FOLD_CHUNK, ()):
            low_parts[tree_size] = [
                levels[level][index - (begin >> level)]
                for level, index in subtree_roots(tree_size)
                if level < FOLD_LEVEL
            ]
        if end - begin == FOLD_CHUNK:
            chunk_roots.append(levels[FOLD_LEVEL][0])
    upper = build_levels(chunk_roots) if chunk_roots else []
    for offset in range(1, len(upper)):
        level = FOLD_LEVEL + offset
        stored = _stored_levels(cursor, 0, size, level, level)
        _compare_level(cursor, report, level, 0, upper[offset], stored.get(level, b""))
    expected = sum(size >> level for level in range(MIN_STORED_LEVEL, size.bit_length()))
    if TreeNode.objects.filter(level__gte=MIN_STORED_LEVEL).count() != expected:
        report.fail("the store holds tree nodes beyond the log")
        raise _Stopped
    pub, name = public_key(), key_name()
    for checkpoint in checkpoints:
        tree_size = checkpoint[0]
        parts = [upper[level - FOLD_LEVEL][index] for level, index in subtree_roots(tree_size) if level >= FOLD_LEVEL]
        parts += low_parts.get(tree_size, [])
        _check_checkpoint(report, checkpoint, parts, pub, name)
        if not report.ok:
            raise _Stopped

