"""Reads of the log: checkpoints and proofs from the stored tree nodes."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from audit import merkle
from audit.models import MIN_STORED_LEVEL, Checkpoint, LogEntry, TreeNode
from takedown.exceptions import NotFound, Unprocessable

_PLACEHOLDER = bytes(32)


def sequenced_size() -> int:
    """Size of the tree as of the latest checkpoint (every sequenced leaf)."""
    latest = Checkpoint.objects.order_by("-tree_size").values_list("tree_size", flat=True).first()
    return latest or 0


def _fetch_nodes(keys: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Hashes of the wanted complete subtrees: leaves from LogEntry, subtrees of at
    least ``MIN_STORED_LEVEL`` levels from TreeNode, and the small subtrees in between
    recomputed from their (at most 2**MIN_STORED_LEVEL / 2) leaves."""
    found: dict[tuple[int, int], bytes] = {}
    leaf_positions: set[int] = set()
    for level, index in keys:
        if level < MIN_STORED_LEVEL:
            leaf_positions.update(range(index << level, (index + 1) << level))
    leaves: dict[int, bytes] = {}
    positions = sorted(leaf_positions)
    for start in range(0, len(positions), 5000):
        part = positions[start : start + 5000]
        for index, digest in LogEntry.objects.filter(index__in=part).values_list("index", "leaf_hash"):
            leaves[index] = bytes(digest)
    stored: dict[int, list[int]] = {}
    for level, index in keys:
        if level < MIN_STORED_LEVEL:
            span = [leaves.get(i) for i in range(index << level, (index + 1) << level)]
            if all(span):
                found[(level, index)] = merkle.root(span)
        else:
            stored.setdefault(level, []).append(index)
    for level, indexes in stored.items():
        for index, digest in TreeNode.objects.filter(level=level, index__in=indexes).values_list("index", "hash"):
            found[(level, index)] = bytes(digest)
    return found


def _with_stored_nodes(compute: Callable[[merkle.NodeGetter], list[bytes]]) -> list[bytes]:
    """Run a proof computation against the stored nodes with two queries at most.

    The first pass only records which nodes the proof needs (which nodes are read
    depends on the sizes, never on the hash values); the second uses the fetched ones.
    """
    wanted: set[tuple[int, int]] = set()

    def record(level: int, index: int) -> bytes:
        wanted.add((level, index))
        return _PLACEHOLDER

    compute(record)
    nodes = _fetch_nodes(wanted)
    missing = wanted - nodes.keys()
    if missing:
        raise RuntimeError(f"tree nodes missing from the store: {sorted(missing)[:5]}")
    return compute(lambda level, index: nodes[(level, index)])


def _check_size(name: str, value: int, largest: int, *, minimum: int) -> None:
    """A well-formed size or index the log (or the named tree) does not reach: 422."""
    if value < minimum or value > largest:
        raise Unprocessable(
            _("%(name)s must be between %(minimum)s and %(largest)s.") % {"name": name, "minimum": minimum, "largest": largest},
            fields={name: [_("Must be between %(minimum)s and the log size %(largest)s.") % {"minimum": minimum, "largest": largest}]},
        )


def inclusion_proof(index: int, tree_size: int) -> tuple[bytes, list[bytes]]:
    """(leaf hash, audit path) of leaf ``index`` in the tree of ``tree_size`` leaves."""
    largest = sequenced_size()
    _check_size("tree_size", tree_size, largest, minimum=1)
    _check_size("index", index, tree_size - 1, minimum=0)
    leaf = LogEntry.objects.filter(index=index).values_list("leaf_hash", flat=True).first()
    if leaf is None:
        raise NotFound(_("No such leaf."))
    path = _with_stored_nodes(lambda get: merkle.inclusion_proof_from_nodes(get, index, tree_size))
    return bytes(leaf), path


def consistency_proof(first: int, second: int) -> list[bytes]:
    largest = sequenced_size()
    _check_size("second", second, largest, minimum=0)
    _check_size("first", first, second, minimum=0)
    return _with_stored_nodes(lambda get: merkle.consistency_proof_from_nodes(get, first, second))


def root_at(tree_size: int) -> bytes:
    return bytes(_with_stored_nodes(lambda get: [merkle.root_from_nodes(get, tree_size)])[0])


def leaf_index_of(event_id: int) -> int | None:
    return LogEntry.objects.filter(event_id=event_id).values_list("index", flat=True).first()


def inclusion_proofs(indexes: list[int], tree_size: int, *, chunk: int = 1000) -> dict[int, list[bytes]]:
    """Audit paths of many leaves in one tree, reading each needed node once.

    Neighbouring leaves share most of their path, so an export of thousands of events
    reads a few thousand nodes, level by level, instead of two queries per event.
    """
    proofs: dict[int, list[bytes]] = {}
    for start in range(0, len(indexes), chunk):
        proofs.update(_proofs_for(indexes[start : start + chunk], tree_size))
    return proofs


def _proofs_for(indexes: list[int], tree_size: int) -> dict[int, list[bytes]]:
    wanted: set[tuple[int, int]] = set()

    def record(level: int, index: int) -> bytes:
        wanted.add((level, index))
        return _PLACEHOLDER

    for index in indexes:
        merkle.inclusion_proof_from_nodes(record, index, tree_size)
    nodes = _fetch_nodes(wanted)

    def stored(level: int, index: int) -> bytes:
        return nodes[(level, index)]

    return {index: merkle.inclusion_proof_from_nodes(stored, index, tree_size) for index in indexes}
