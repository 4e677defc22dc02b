"""Merkle tree hashing and proofs (RFC 6962 / RFC 9162).

Reference vectors are the ones published with the Certificate Transparency / Trillian
Merkle library, repository ``transparency-dev/merkle``:

* file ``proof/verify_test.go``: the eight leaves, the root of every tree size 1..8,
  and the inclusion and consistency proofs (its ``inclusionProofs`` table numbers
  leaves from 1, so its ``{6, 8}`` is leaf index 5 of the tree of size 8);
* file ``rfc6962/rfc6962_test.go``: the empty-tree, leaf and node hash vectors.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.merkle import (
    EMPTY_ROOT,
    Frontier,
    MerkleTree,
    consistency_proof,
    inclusion_proof,
    inclusion_proof_from_nodes,
    leaf_hash,
    node_hash,
    root,
    root_from_nodes,
    subtree_roots,
    verify_consistency,
    verify_inclusion,
)


def h(hex_text: str) -> bytes:
    return bytes.fromhex(hex_text)


LEAVES = [
    h(x)
    for x in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
LEAF_HASHES = [leaf_hash(x) for x in LEAVES]
ROOTS = [
    h(x)
    for x in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]

# (leaf index, tree size, proof)
INCLUSION_VECTORS = [
    (
        0,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (2, 3, [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        1,
        5,
        [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (0, 1, []),
]

# (first size, second size, proof)
CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]

SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")


def flip(data: bytes, position: int = 0, bit: int = 3) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 1 << bit
    return bytes(changed)


# --- reference definitions, written straight from RFC 9162 section 2.1 ----------------


def mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return subproof(m, leaves[:k], complete) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def synthetic_leaves(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


# --- hashing ------------------------------------------------------------------------


def test_hashes_match_the_rfc6962_hasher_vectors() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert root([]) == EMPTY_ROOT
    assert (
        leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    assert leaf_hash(b"L123456").hex() == (
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert node_hash(b"N123", b"N456").hex() == (
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )


def test_leaf_and_node_hashes_cannot_be_confused() -> None:
    a, b = leaf_hash(b"Hello"), leaf_hash(b"World")
    assert node_hash(a, b) != leaf_hash(a + b)
    assert node_hash(a, b) != node_hash(b, a)


@pytest.mark.parametrize("size", range(1, 9))
def test_root_of_every_prefix_matches_the_reference_roots(size: int) -> None:
    assert root(LEAF_HASHES[:size]) == ROOTS[size - 1]
    assert MerkleTree(LEAF_HASHES).root(size) == ROOTS[size - 1]
    frontier = Frontier()
    frontier.extend(LEAF_HASHES[:size])
    assert frontier.root() == ROOTS[size - 1]


@pytest.mark.parametrize("size", range(0, 70))
def test_root_equals_the_recursive_rfc_definition(size: int) -> None:
    leaves = synthetic_leaves(size)
    assert root(leaves) == mth(leaves)
    assert MerkleTree(leaves).root() == mth(leaves)


# --- inclusion ----------------------------------------------------------------------


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_inclusion_proof_matches_the_reference_vector_and_verifies(
    index: int, size: int, proof: list[bytes]
) -> None:
    assert inclusion_proof(LEAF_HASHES, index, size) == proof
    assert verify_inclusion(LEAF_HASHES[index], index, size, proof, ROOTS[size - 1])


def inclusion_mutations(index: int, size: int, proof: list[bytes], good_root: bytes):
    leaf = LEAF_HASHES[index]
    yield "index - 1", (leaf, index - 1, size, proof, good_root)
    yield "index + 1", (leaf, index + 1, size, proof, good_root)
    yield "index ^ 2", (leaf, index ^ 2, size, proof, good_root)
    yield "size * 2", (leaf, index, size * 2, proof, good_root)
    yield "size // 2", (leaf, index, size // 2, proof, good_root)
    yield "wrong leaf", (leaf_hash(b"WrongLeaf"), index, size, proof, good_root)
    yield "empty-tree root", (leaf, index, size, proof, EMPTY_ROOT)
    yield "random root", (leaf, index, size, proof, SOME_HASH)
    yield "trailing root", (leaf, index, size, proof + [good_root], good_root)
    yield "trailing garbage", (leaf, index, size, proof + [b""], good_root)
    yield "preceding root", (leaf, index, size, [good_root] + proof, good_root)
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = flip(bad[i])
        yield f"flipped bit in proof[{i}]", (leaf, index, size, bad, good_root)
    if proof:
        yield "truncated", (leaf, index, size, proof[:-1], good_root)
    if len(proof) > 1:
        yield "inserted element", (leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], good_root)


@pytest.mark.parametrize(("index", "size", "proof"), [v for v in INCLUSION_VECTORS if v[2]])
def test_inclusion_verification_rejects_every_mutation_of_a_good_proof(
    index: int, size: int, proof: list[bytes]
) -> None:
    accepted = [
        name
        for name, args in inclusion_mutations(index, size, proof, ROOTS[size - 1])
        if verify_inclusion(*args)
    ]
    assert accepted == []


def test_inclusion_verification_rejects_impossible_positions() -> None:
    assert not verify_inclusion(LEAF_HASHES[0], 0, 0, [], EMPTY_ROOT)
    assert not verify_inclusion(LEAF_HASHES[0], 1, 1, [], LEAF_HASHES[0])
    assert not verify_inclusion(LEAF_HASHES[0], -1, 1, [], LEAF_HASHES[0])
    assert not verify_inclusion(b"", 0, 1, [], b"")  # hashes of the wrong length
    assert verify_inclusion(LEAF_HASHES[0], 0, 1, [], LEAF_HASHES[0])


def test_inclusion_proof_refuses_an_index_outside_the_tree() -> None:
    with pytest.raises(ValueError, match="outside"):
        inclusion_proof(LEAF_HASHES, 8, 8)
    with pytest.raises(ValueError, match="outside"):
        inclusion_proof(LEAF_HASHES, 0, 9)


@pytest.mark.parametrize("size", range(1, 40))
def test_every_inclusion_proof_equals_the_rfc_path_and_verifies(size: int) -> None:
    leaves = synthetic_leaves(size)
    tree = MerkleTree(leaves)
    tree_root = mth(leaves)
    for index in range(size):
        proof = tree.inclusion_proof(index)
        assert proof == path(index, leaves)
        assert verify_inclusion(leaves[index], index, size, proof, tree_root)


# --- consistency --------------------------------------------------------------------


@pytest.mark.parametrize(("first", "second", "proof"), CONSISTENCY_VECTORS)
def test_consistency_proof_matches_the_reference_vector_and_verifies(
    first: int, second: int, proof: list[bytes]
) -> None:
    assert consistency_proof(LEAF_HASHES, first, second) == proof
    assert verify_consistency(first, second, ROOTS[first - 1], ROOTS[second - 1], proof)


@pytest.mark.parametrize(("first", "second", "proof"), [v for v in CONSISTENCY_VECTORS if v[2]])
def test_consistency_verification_rejects_every_mutation_of_a_good_proof(
    first: int, second: int, proof: list[bytes]
) -> None:
    r1, r2 = ROOTS[first - 1], ROOTS[second - 1]
    mutations = {
        "first - 1": (first - 1, second, r1, r2, proof),
        "first + 1": (first + 1, second, r1, r2, proof),
        "first ^ 2": (first ^ 2, second, r1, r2, proof),
        "second * 2": (first, second * 2, r1, r2, proof),
        "second // 2": (first, second // 2, r1, r2, proof),
        "wrong first root": (first, second, SOME_HASH, r2, proof),
        "wrong second root": (first, second, r1, SOME_HASH, proof),
        "swapped roots": (first, second, r2, r1, proof),
        "empty proof": (first, second, r1, r2, []),
        "truncated": (first, second, r1, r2, proof[:-1]),
        "trailing first root": (first, second, r1, r2, proof + [r1]),
        "trailing second root": (first, second, r1, r2, proof + [r2]),
        "trailing garbage": (first, second, r1, r2, proof + [b""]),
        "preceding first root": (first, second, r1, r2, [r1] + proof),
        "preceding second root": (first, second, r1, r2, [r2] + proof),
        "preceding proof[0]": (first, second, r1, r2, [proof[0]] + proof),
    }
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = flip(bad[i], bit=4)
        mutations[f"flipped bit in proof[{i}]"] = (first, second, r1, r2, bad)
    accepted = [name for name, args in mutations.items() if verify_consistency(*args)]
    assert accepted == []


def test_consistency_edge_cases_follow_the_documented_rules() -> None:
    assert verify_consistency(0, 5, EMPTY_ROOT, ROOTS[4], [])
    assert not verify_consistency(0, 5, SOME_HASH, ROOTS[4], [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, ROOTS[4], [EMPTY_ROOT])
    assert verify_consistency(3, 3, ROOTS[2], ROOTS[2], [])
    assert not verify_consistency(3, 3, ROOTS[2], ROOTS[3], [])
    assert not verify_consistency(3, 3, ROOTS[2], ROOTS[2], [ROOTS[2]])
    assert not verify_consistency(5, 4, ROOTS[4], ROOTS[3], [SOME_HASH])


@pytest.mark.parametrize("second", range(1, 34))
def test_every_consistency_proof_equals_the_rfc_subproof_and_verifies(second: int) -> None:
    leaves = synthetic_leaves(second)
    tree = MerkleTree(leaves)
    for first in range(1, second + 1):
        proof = tree.consistency_proof(first)
        expected = [] if first == second else subproof(first, leaves, True)
        assert proof == expected
        assert verify_consistency(first, second, mth(leaves[:first]), mth(leaves), proof)


# --- property tests -----------------------------------------------------------------


@st.composite
def tree_and_index(draw: st.DrawFn) -> tuple[list[bytes], int, int]:
    size = draw(st.integers(min_value=1, max_value=300))
    tree_size = draw(st.integers(min_value=1, max_value=size))
    index = draw(st.integers(min_value=0, max_value=tree_size - 1))
    seed = draw(st.binary(min_size=1, max_size=8))
    leaves = [leaf_hash(seed + i.to_bytes(4, "big")) for i in range(size)]
    return leaves, index, tree_size


@settings(max_examples=200, deadline=None)
@given(tree_and_index(), st.data())
def test_random_inclusion_proofs_verify_and_tampered_ones_do_not(
    case: tuple[list[bytes], int, int], data: st.DataObject
) -> None:
    leaves, index, tree_size = case
    tree = MerkleTree(leaves)
    proof = tree.inclusion_proof(index, tree_size)
    tree_root = tree.root(tree_size)
    assert tree_root == mth(leaves[:tree_size])
    assert verify_inclusion(leaves[index], index, tree_size, proof, tree_root)

    if proof:
        position = data.draw(st.integers(0, len(proof) - 1))
        byte = data.draw(st.integers(0, 31))
        bit = data.draw(st.integers(0, 7))
        tampered = list(proof)
        tampered[position] = flip(tampered[position], byte, bit)
        assert not verify_inclusion(leaves[index], index, tree_size, tampered, tree_root)
        assert not verify_inclusion(leaves[index], index, tree_size, proof[:-1], tree_root)
    assert not verify_inclusion(leaves[index], index, tree_size, [*proof, SOME_HASH], tree_root)
    other = data.draw(st.integers(0, tree_size - 1))
    if leaves[other] != leaves[index]:
        assert not verify_inclusion(leaves[other], index, tree_size, proof, tree_root)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 300), st.data())
def test_random_consistency_proofs_verify_and_tampered_ones_do_not(
    second: int, data: st.DataObject
) -> None:
    first = data.draw(st.integers(1, second))
    leaves = synthetic_leaves(second)
    tree = MerkleTree(leaves)
    proof = tree.consistency_proof(first)
    r1, r2 = tree.root(first), tree.root()
    assert verify_consistency(first, second, r1, r2, proof)
    if proof:
        position = data.draw(st.integers(0, len(proof) - 1))
        tampered = list(proof)
        tampered[position] = flip(tampered[position], data.draw(st.integers(0, 31)))
        assert not verify_consistency(first, second, r1, r2, tampered)
        assert not verify_consistency(first, second, r1, flip(r2), proof)


# --- frontier and stored nodes ------------------------------------------------------


def test_frontier_resumed_from_its_state_continues_the_same_tree() -> None:
    leaves = synthetic_leaves(1000)
    frontier = Frontier()
    frontier.extend(leaves[:613])
    size, hashes = frontier.state()
    assert size == 613 and len(hashes) == bin(613).count("1")

    resumed = Frontier.from_state(size, hashes)
    resumed.extend(leaves[613:])
    assert resumed.size == 1000
    assert resumed.root() == mth(leaves)


def test_frontier_refuses_a_state_of_the_wrong_shape() -> None:
    with pytest.raises(ValueError, match="frontier hashes"):
        Frontier.from_state(6, [SOME_HASH])
    with pytest.raises(ValueError, match="32 bytes"):
        Frontier.from_state(1, [b"short"])
    with pytest.raises(ValueError, match="32 bytes"):
        Frontier().append(b"not a hash")


def test_frontier_reports_every_complete_subtree_it_creates() -> None:
    leaves = synthetic_leaves(77)
    stored: dict[tuple[int, int], bytes] = {}
    frontier = Frontier(
        on_node=lambda level, index, value: stored.__setitem__((level, index), value)
    )
    frontier.extend(leaves)
    tree = MerkleTree(leaves)
    expected = {
        (level, index): tree.node(level, index)
        for level in range(7)
        for index in range(77 >> level)
    }
    assert stored == expected


def test_proofs_from_stored_nodes_equal_proofs_from_all_leaves() -> None:
    leaves = synthetic_leaves(200)
    stored: dict[tuple[int, int], bytes] = {}
    Frontier(on_node=lambda lv, ix, value: stored.__setitem__((lv, ix), value)).extend(leaves)
    lookups: list[tuple[int, int]] = []

    def get_node(level: int, index: int) -> bytes:
        lookups.append((level, index))
        return stored[(level, index)]

    for tree_size in (1, 2, 3, 64, 100, 199, 200):
        assert root_from_nodes(get_node, tree_size) == mth(leaves[:tree_size])
        for index in (0, tree_size // 2, tree_size - 1):
            lookups.clear()
            proof = inclusion_proof_from_nodes(get_node, index, tree_size)
            assert proof == path(index, leaves[:tree_size])
            assert len(lookups) <= 2 * tree_size.bit_length()  # logarithmic, not linear
    resumed = Frontier.from_nodes(get_node, 150)
    resumed.extend(leaves[150:])
    assert resumed.root() == mth(leaves)


def test_subtree_roots_cover_the_tree_with_one_node_per_set_bit() -> None:
    assert subtree_roots(0) == []
    assert subtree_roots(1) == [(0, 0)]
    assert subtree_roots(7) == [(2, 0), (1, 2), (0, 6)]
    assert subtree_roots(8) == [(3, 0)]
    assert subtree_roots(13) == [(3, 0), (2, 2), (0, 12)]
