"""Merkle tree of the audit log, as defined by RFC 6962 / RFC 9162 section 2.1.

Pure functions over 32-byte SHA-256 hashes; no database, no Django. The database layer
stores leaf hashes and the hashes of complete subtrees and hands them to the
``*_from_nodes`` functions through a callable, so proofs for a log of millions of events
never need every leaf in memory.

Node addressing: ``(level, index)`` names the complete subtree of ``2**level`` leaves
that covers leaves ``[index << level, (index + 1) << level)``. Level 0 is the leaf hashes.
Only complete subtrees have an address; the hashes along the ragged right edge of a tree
whose size is not a power of two are recomputed from complete subtrees on demand.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32

_sha256 = hashlib.sha256
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

#: Root of the empty tree: SHA-256 of the empty string (RFC 9162 section 2.1.1).
EMPTY_ROOT = _sha256(b"").digest()

#: Returns the hash of the complete subtree ``(level, index)``.
NodeGetter = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data): the prefix keeps a leaf from passing as an interior node."""
    return _sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def _parent_level(level: Sequence[bytes]) -> list[bytes]:
    """Hashes of the complete pairs of ``level``; a trailing odd node is dropped.

    The comprehension over a shared iterator avoids slicing copies and per-node calls,
    which is what keeps a million-leaf tree at well under a second in CPython.
    """
    pairs = iter(level)
    sha = _sha256
    return [
        sha(b"".join((_NODE_PREFIX, a, b))).digest() for a, b in zip(pairs, pairs, strict=False)
    ]


def build_levels(leaf_hashes: Sequence[bytes]) -> list[list[bytes]]:
    """Every complete subtree hash: ``levels[k][i]`` is node ``(k, i)``.

    ``levels[0]`` is the leaf list itself (not copied). ``len(levels[k]) == n >> k``.
    """
    levels: list[list[bytes]] = [
        leaf_hashes if isinstance(leaf_hashes, list) else list(leaf_hashes)
    ]
    while len(levels[-1]) > 1:
        levels.append(_parent_level(levels[-1]))
    return levels


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Merkle tree hash (MTH) of the given leaf hashes."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    # Reduce level by level, promoting a trailing odd node to the next level unchanged:
    # that builds exactly RFC 6962's "split at the largest power of two" tree, without
    # recursion and without a per-node Python call.
    level: Sequence[bytes] = leaf_hashes
    while len(level) > 1:
        parents = _parent_level(level)
        if len(level) & 1:
            parents.append(level[-1])
        level = parents
    return level[0]


def subtree_roots(tree_size: int) -> list[tuple[int, int]]:
    """The complete subtrees that make up ``[0, tree_size)``, largest (left-most) first.

    These are the nodes of the tree's frontier (compact range): one per set bit of
    ``tree_size``.
    """
    if tree_size < 0:
        raise ValueError("tree size must not be negative")
    nodes: list[tuple[int, int]] = []
    begin = 0
    for level in range(tree_size.bit_length() - 1, -1, -1):
        if tree_size >> level & 1:
            nodes.append((level, begin >> level))
            begin += 1 << level
    return nodes


def _range_hash(get_node: NodeGetter, begin: int, end: int) -> bytes:
    """MTH of leaves ``[begin, end)`` where ``begin`` is aligned to the subtree it starts.

    Within a proof every such range is either a complete subtree (one node) or the
    ragged right edge of the tree, which is the right fold of its complete subtrees.
    """
    size = end - begin
    if size & (size - 1) == 0:
        level = size.bit_length() - 1
        return get_node(level, begin >> level)
    parts: list[bytes] = []
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            parts.append(get_node(level, begin >> level))
            begin += 1 << level
    acc = parts[-1]
    for part in reversed(parts[:-1]):
        acc = node_hash(part, acc)
    return acc


def root_from_nodes(get_node: NodeGetter, tree_size: int) -> bytes:
    """Root of the tree of ``tree_size`` leaves from stored complete-subtree hashes."""
    if tree_size == 0:
        return EMPTY_ROOT
    return _range_hash(get_node, 0, tree_size)


def _largest_power_of_two_below(n: int) -> int:
    """k with k < n <= 2k, for n > 1 (RFC 9162 section 2.1.1)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_proof_from_nodes(get_node: NodeGetter, index: int, tree_size: int) -> list[bytes]:
    """PATH(index, D[0:tree_size]) of RFC 9162 section 2.1.3.1, leaf to root order."""
    if not 0 <= index < tree_size:
        raise ValueError(f"leaf index {index} is outside a tree of size {tree_size}")
    # Walk down from the root recording the sibling at each split; the proof lists
    # them bottom-up, so reverse at the end.
    siblings: list[bytes] = []
    begin, end = 0, tree_size
    while end - begin > 1:
        k = _largest_power_of_two_below(end - begin)
        mid = begin + k
        if index < mid:
            siblings.append(_range_hash(get_node, mid, end))
            end = mid
        else:
            siblings.append(_range_hash(get_node, begin, mid))
            begin = mid
    siblings.reverse()
    return siblings


def consistency_proof_from_nodes(get_node: NodeGetter, first: int, second: int) -> list[bytes]:
    """PROOF(first, D[0:second]) of RFC 9162 section 2.1.4.1, in the RFC's order.

    Empty when ``first`` is 0 or equals ``second``: nothing needs proving then.
    """
    if not 0 <= first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    if first == 0 or first == second:
        return []
    # Iterative SUBPROOF: descend while recording the sibling subtree hashes, then emit
    # them in reverse, which is the order the recursive definition appends them.
    tail: list[bytes] = []
    begin, end, m = 0, second, first
    complete_prefix = True  # the RFC's "b" flag: D[begin:begin+m] is a subtree of the old tree
    while m != end - begin:
        k = _largest_power_of_two_below(end - begin)
        if m <= k:
            tail.append(_range_hash(get_node, begin + k, end))
            end = begin + k
        else:
            tail.append(_range_hash(get_node, begin, begin + k))
            begin += k
            m -= k
            complete_prefix = False
    head = [] if complete_prefix else [_range_hash(get_node, begin, end)]
    tail.reverse()
    return head + tail


def _levels_getter(levels: list[list[bytes]]) -> NodeGetter:
    def get_node(level: int, index: int) -> bytes:
        return levels[level][index]

    return get_node


class MerkleTree:
    """An in-memory tree over a list of leaf hashes, answering many proof requests.

    Building it hashes every interior node once (about a second for a million
    leaves); each proof afterwards costs O(log n) lookups. Proofs and roots for any
    earlier size ``<= len(leaf_hashes)`` are available too.
    """

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        # A private copy: the caller may go on appending to its list.
        self._levels = build_levels(list(leaf_hashes))
        self._get = _levels_getter(self._levels)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def node(self, level: int, index: int) -> bytes:
        """Hash of the complete subtree ``(level, index)``."""
        return self._levels[level][index]

    def root(self, tree_size: int | None = None) -> bytes:
        return root_from_nodes(self._get, self._size(tree_size))

    def inclusion_proof(self, index: int, tree_size: int | None = None) -> list[bytes]:
        return inclusion_proof_from_nodes(self._get, index, self._size(tree_size))

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        return consistency_proof_from_nodes(self._get, first, self._size(second))

    def _size(self, tree_size: int | None) -> int:
        if tree_size is None:
            return self.size
        if not 0 <= tree_size <= self.size:
            raise ValueError(f"tree size {tree_size} is outside 0..{self.size}")
        return tree_size


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int, tree_size: int) -> list[bytes]:
    """Inclusion proof of leaf ``index`` in the tree of the first ``tree_size`` leaves.

    Hashes the whole tree: for more than one proof build a :class:`MerkleTree` once.
    """
    if not 0 <= tree_size <= len(leaf_hashes):
        raise ValueError(f"tree size {tree_size} is outside 0..{len(leaf_hashes)}")
    return MerkleTree(list(leaf_hashes[:tree_size])).inclusion_proof(index)


def consistency_proof(leaf_hashes: Sequence[bytes], first: int, second: int) -> list[bytes]:
    """Consistency proof between the trees of the first ``first`` and ``second`` leaves."""
    if not 0 <= second <= len(leaf_hashes):
        raise ValueError(f"tree size {second} is outside 0..{len(leaf_hashes)}")
    return MerkleTree(list(leaf_hashes[:second])).consistency_proof(first)


def root_from_inclusion_proof(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes]
) -> bytes | None:
    """The root that ``proof`` implies, or None when the proof has the wrong shape.

    RFC 9162 section 2.1.3.2, steps 1 to 4.
    """
    if not 0 <= index < tree_size or len(leaf) != HASH_SIZE:
        return None
    fn, sn = index, tree_size - 1
    r = leaf
    for p in proof:
        if sn == 0 or len(p) != HASH_SIZE:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                # Right edge of a ragged tree: this node was promoted without a
                # sibling for some levels; skip them.
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return None  # proof too short for this tree size
    return r


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    """True iff ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree with ``root_hash``."""
    computed = root_from_inclusion_proof(leaf, index, tree_size, proof)
    return computed is not None and computed == root_hash


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True iff ``proof`` shows the tree ``first_root`` is a prefix of ``second_root``.

    RFC 9162 section 2.1.4.2. Edge cases the RFC leaves to the caller: equal sizes need
    equal roots and an empty proof; size 0 needs the empty-tree root and an empty proof.
    """
    if not 0 <= first <= second:
        return False
    if len(first_root) != HASH_SIZE or len(second_root) != HASH_SIZE:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if not proof or any(len(p) != HASH_SIZE for p in proof):
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)  # the old tree is a complete subtree of the new one
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


class Frontier:
    """Incremental tree state: the hashes of the complete subtrees covering ``[0, size)``.

    A sequencer keeps only this (at most 64 hashes) between batches: restore it with
    :meth:`from_state`, append new leaf hashes, read the new root, store the state.
    ``on_node`` (if given) is called with ``(level, index, hash)`` for every complete
    subtree the appends create, leaves included, so the caller can persist the nodes
    that :func:`inclusion_proof_from_nodes` will later ask for.
    """

    __slots__ = ("_size", "_hashes", "_on_node")

    def __init__(self, on_node: Callable[[int, int, bytes], None] | None = None) -> None:
        self._size = 0
        self._hashes: list[bytes] = []  # largest subtree first, as subtree_roots()
        self._on_node = on_node

    @classmethod
    def from_state(
        cls,
        size: int,
        hashes: Sequence[bytes],
        on_node: Callable[[int, int, bytes], None] | None = None,
    ) -> Frontier:
        """Resume from ``(size, hashes)`` as returned by :meth:`state`."""
        if size < 0:
            raise ValueError("tree size must not be negative")
        if len(hashes) != size.bit_count():
            raise ValueError(
                f"a tree of size {size} has {size.bit_count()} frontier hashes, got {len(hashes)}"
            )
        if any(len(h) != HASH_SIZE for h in hashes):
            raise ValueError("frontier hashes must be 32 bytes")
        frontier = cls(on_node)
        frontier._size = size
        frontier._hashes = list(hashes)
        return frontier

    @classmethod
    def from_nodes(
        cls,
        get_node: NodeGetter,
        size: int,
        on_node: Callable[[int, int, bytes], None] | None = None,
    ) -> Frontier:
        """Resume from stored complete-subtree hashes."""
        return cls.from_state(
            size, [get_node(level, index) for level, index in subtree_roots(size)], on_node
        )

    def state(self) -> tuple[int, list[bytes]]:
        """``(size, hashes)``: enough to resume the tree later."""
        return self._size, list(self._hashes)

    @property
    def size(self) -> int:
        return self._size

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash (not the leaf data: use :func:`leaf_hash` first)."""
        if len(leaf) != HASH_SIZE:
            raise ValueError("leaf hashes must be 32 bytes")
        on_node = self._on_node
        index = self._size
        if on_node is not None:
            on_node(0, index, leaf)
        hashes = self._hashes
        h = leaf
        level = 0
        # Each trailing 1 bit of the old size is a complete subtree of the same height
        # waiting for a right sibling: merge with it.
        while index & 1:
            h = _sha256(b"".join((_NODE_PREFIX, hashes.pop(), h))).digest()
            index >>= 1
            level += 1
            if on_node is not None:
                on_node(level, index, h)
        hashes.append(h)
        self._size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        return root_from_frontier(self._hashes)


def root_from_frontier(hashes: Sequence[bytes]) -> bytes:
    """The root of a tree from its frontier: its complete subtrees, largest first."""
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc
