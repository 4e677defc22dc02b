"""Signed checkpoints (C2SP tlog-checkpoint as a C2SP signed-note) and key handling.

The interoperability vector is the example key and note of the Go reference
implementation of signed notes: repository ``golang/mod``, file
``sumdb/note/note_test.go`` (the "PeterNeumann" key). Ed25519 signatures are
deterministic, so signing the same text with the same key must reproduce the
published note byte for byte.
"""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    dump_private_key,
    dump_public_key,
    key_id,
    load_private_key,
    load_public_key,
    parse_checkpoint,
    parse_verifier_key,
    sign_checkpoint,
    sign_note,
    verifier_key_string,
    verify_checkpoint,
)
from audit.merkle import leaf_hash

GO_SIGNER_KEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT
    + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
    "gKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)

ORIGIN = "takedown.example/audit-log"
KEY_NAME = "takedown.example"
ROOT = leaf_hash(b"some root")


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def note(key: Ed25519PrivateKey) -> str:
    return sign_checkpoint(ORIGIN, 1234, ROOT, key, KEY_NAME)


def test_signing_reproduces_the_go_reference_note_byte_for_byte() -> None:
    key = load_private_key(GO_SIGNER_KEY)
    assert sign_note(GO_TEXT, key, "PeterNeumann") == GO_NOTE
    assert verifier_key_string("PeterNeumann", key.public_key()) == GO_VERIFIER_KEY
    assert key_id("PeterNeumann", key.public_key()).hex() == "c74f20a3"


def test_verifier_key_string_parses_back_to_the_same_key() -> None:
    name, public_key = parse_verifier_key(GO_VERIFIER_KEY)
    assert name == "PeterNeumann"
    assert verifier_key_string(name, public_key) == GO_VERIFIER_KEY
    assert dump_public_key(load_public_key(GO_VERIFIER_KEY)) == dump_public_key(public_key)


def test_verifier_key_string_with_a_wrong_key_id_is_refused() -> None:
    with pytest.raises(CheckpointError, match="key ID does not match"):
        parse_verifier_key(GO_VERIFIER_KEY.replace("c74f20a3", "c74f20a4"))


def test_checkpoint_note_has_the_documented_layout(note: str, key: Ed25519PrivateKey) -> None:
    body, signature_line = note.split("\n\n")
    assert body == f"{ORIGIN}\n1234\n{base64.b64encode(ROOT).decode()}"
    assert signature_line.startswith(f"\u2014 {KEY_NAME} ")
    blob = base64.b64decode(signature_line.split(" ")[2])
    assert len(blob) == 4 + 64
    assert blob[:4] == key_id(KEY_NAME, key.public_key())


def test_parse_returns_the_signed_fields(note: str) -> None:
    checkpoint = parse_checkpoint(note)
    assert (checkpoint.origin, checkpoint.tree_size, checkpoint.root_hash) == (ORIGIN, 1234, ROOT)
    assert [s.key_name for s in checkpoint.signatures] == [KEY_NAME]
    assert checkpoint.body + "\n" + note.split("\n\n")[1] == note


def test_verify_accepts_the_right_key_with_and_without_a_name(
    note: str, key: Ed25519PrivateKey
) -> None:
    assert verify_checkpoint(note, key.public_key(), KEY_NAME).tree_size == 1234
    assert verify_checkpoint(note, key.public_key()).root_hash == ROOT


def test_verify_rejects_a_checkpoint_signed_by_another_key(note: str) -> None:
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(CheckpointError, match="signed by another key"):
        verify_checkpoint(note, other, KEY_NAME)


def test_verify_rejects_a_key_name_that_did_not_sign(note: str, key: Ed25519PrivateKey) -> None:
    with pytest.raises(CheckpointError, match="no signature by key 'someone.else'"):
        verify_checkpoint(note, key.public_key(), "someone.else")


@pytest.mark.parametrize(
    ("line", "replacement"),
    [
        (0, "takedown.example/another-log"),
        (1, "1235"),
        (2, base64.b64encode(leaf_hash(b"other root")).decode()),
    ],
)
def test_verify_rejects_an_edited_line(
    note: str, key: Ed25519PrivateKey, line: int, replacement: str
) -> None:
    lines = note.split("\n")
    lines[line] = replacement
    with pytest.raises(CheckpointError, match="does not verify"):
        verify_checkpoint("\n".join(lines), key.public_key(), KEY_NAME)


def test_verify_rejects_a_signature_with_one_changed_byte(
    note: str, key: Ed25519PrivateKey
) -> None:
    body, signature_line = note.split("\n\n")
    encoded = signature_line.split(" ")[2].strip()
    blob = bytearray(base64.b64decode(encoded))
    blob[10] ^= 0x01  # inside the signature, after the key ID
    edited = f"{body}\n\n\u2014 {KEY_NAME} {base64.b64encode(bytes(blob)).decode()}\n"
    with pytest.raises(CheckpointError, match="does not verify"):
        verify_checkpoint(edited, key.public_key(), KEY_NAME)


def test_a_second_signature_line_from_a_witness_is_kept_and_ignored(
    note: str, key: Ed25519PrivateKey
) -> None:
    witness = Ed25519PrivateKey.generate()
    cosigned = sign_note(parse_checkpoint(note).body, witness, "witness.example")
    both = note + cosigned.split("\n\n")[1]
    checkpoint = verify_checkpoint(both, key.public_key(), KEY_NAME)
    assert [s.key_name for s in checkpoint.signatures] == [KEY_NAME, "witness.example"]
    assert verify_checkpoint(both, witness.public_key(), "witness.example").tree_size == 1234


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda n: n.rstrip("\n"), "ends with a newline"),
        (lambda n: n.replace("\n\n", "\n"), "no blank line"),
        (lambda n: n.replace("\n1234\n", "\n01234\n"), "leading zeros"),
        (lambda n: n.replace("\n1234\n", "\n-1\n"), "leading zeros"),
        (lambda n: n.replace("\u2014 ", "-- "), "em dash"),
        (lambda n: n.replace("\n", "\r\n"), "LF line endings"),
        (lambda n: n.split("\n", 1)[1].split("\n", 1)[1], "origin line, a tree size"),
    ],
)
def test_parse_rejects_malformed_notes(note: str, mangle, message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        parse_checkpoint(mangle(note))


def test_parse_rejects_a_root_hash_in_non_canonical_base64(key: Ed25519PrivateKey) -> None:
    text = sign_note(f"{ORIGIN}\n5\n{base64.b64encode(ROOT).decode().rstrip('=')}\n", key, KEY_NAME)
    with pytest.raises(CheckpointError, match="root hash"):
        parse_checkpoint(text)


def test_extension_lines_are_signed_and_returned(key: Ed25519PrivateKey) -> None:
    note = sign_checkpoint(ORIGIN, 9, ROOT, key, KEY_NAME, extensions=("Timestamp: 1700000000",))
    checkpoint = verify_checkpoint(note, key.public_key(), KEY_NAME)
    assert checkpoint == Checkpoint(
        ORIGIN, 9, ROOT, checkpoint.signatures, extensions=("Timestamp: 1700000000",)
    )


def test_signing_refuses_bad_names_sizes_and_hashes(key: Ed25519PrivateKey) -> None:
    with pytest.raises(CheckpointError, match="key name"):
        sign_checkpoint(ORIGIN, 1, ROOT, key, "has space")
    with pytest.raises(CheckpointError, match="key name"):
        sign_checkpoint(ORIGIN, 1, ROOT, key, "a+b")
    with pytest.raises(CheckpointError, match="tree size"):
        sign_checkpoint(ORIGIN, -1, ROOT, key, KEY_NAME)
    with pytest.raises(CheckpointError, match="32 bytes"):
        sign_checkpoint(ORIGIN, 1, ROOT[:31], key, KEY_NAME)
    with pytest.raises(CheckpointError, match="origin"):
        sign_checkpoint("two\nlines", 1, ROOT, key, KEY_NAME)


@pytest.mark.parametrize("pem", [True, False])
def test_keys_survive_a_dump_and_load_round_trip(key: Ed25519PrivateKey, pem: bool) -> None:
    loaded = load_private_key(dump_private_key(key, pem=pem))
    assert dump_private_key(loaded) == dump_private_key(key)
    public = load_public_key(dump_public_key(key.public_key(), pem=pem))
    assert dump_public_key(public) == dump_public_key(key.public_key())


def test_loading_refuses_keys_that_are_not_ed25519_or_not_keys() -> None:
    with pytest.raises(CheckpointError, match="32 bytes"):
        load_public_key(base64.b64encode(b"x" * 31))
    with pytest.raises(CheckpointError, match="base64"):
        load_private_key("not a key!")
    with pytest.raises(CheckpointError, match="PEM"):
        load_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
