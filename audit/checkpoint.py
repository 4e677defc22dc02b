"""Signed tree heads in the C2SP ``tlog-checkpoint`` format, as C2SP ``signed-note``s.

A checkpoint commits to the log's size and root hash::

    <origin>\\n
    <tree size in decimal>\\n
    <base64 root hash>\\n
    \\n
    — <key name> <base64(key ID || Ed25519 signature)>\\n

The signature covers the body (the first three lines, final newline included). The
key ID is the first 4 bytes of SHA-256(key name || 0x0A || 0x01 || public key), so a
signature names the exact key that made it and tools from the Go transparency
ecosystem (golang.org/x/mod/sumdb/note) read these checkpoints as they are.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG_ED25519 = 0x01
HASH_SIZE = 32
MAX_SIGNATURES = 100  # signed-note readers refuse more; so do we
_SIGNATURE_PREFIX = "\u2014 "  # EM DASH, then a space
_DECIMAL = re.compile(r"(0|[1-9][0-9]{0,19})\Z")
_PRIVATE_NOTE_PREFIX = "PRIVATE+KEY+"


class CheckpointError(ValueError):
    """A checkpoint or key is malformed, or its signature does not verify."""


@dataclass(frozen=True)
class NoteSignature:
    key_name: str
    key_id: bytes  # 4 bytes
    signature: bytes  # the algorithm's signature, without the key ID


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    tree_size: int
    root_hash: bytes
    signatures: tuple[NoteSignature, ...] = ()
    extensions: tuple[str, ...] = ()

    @property
    def body(self) -> str:
        """The signed text. Parsing is strict, so this is the text as it was signed."""
        return checkpoint_body(self.origin, self.tree_size, self.root_hash, self.extensions)


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64decode_strict(text: str, what: str) -> bytes:
    """Standard base64 with padding, and only in its one canonical spelling."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise CheckpointError(f"{what} is not valid base64") from None
    if _b64encode(data) != text:
        raise CheckpointError(f"{what} is not in canonical base64")
    return data


def _check_key_name(name: str) -> None:
    # signed-note: a name is non-empty UTF-8 with no whitespace and no '+', because
    # '+' separates the fields of a verifier key string.
    if not name or "+" in name or any(c.isspace() for c in name):
        raise CheckpointError(f"key name {name!r} must be non-empty, without spaces or '+'")


def _check_text_line(line: str, what: str) -> None:
    if not line:
        raise CheckpointError(f"{what} is empty")
    if any(ord(c) < 0x20 or c == "\x7f" for c in line):
        raise CheckpointError(f"{what} holds a control character")


def key_id(key_name: str, public_key: Ed25519PublicKey) -> bytes:
    """First 4 bytes of SHA-256(name || 0x0A || 0x01 || raw public key)."""
    _check_key_name(key_name)
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    material = key_name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + raw
    return hashlib.sha256(material).digest()[:4]


def verifier_key_string(name: str, public_key: Ed25519PublicKey) -> str:
    """The note verifier key: ``<name>+<hex key ID>+<base64(0x01 || public key)>``."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return f"{name}+{key_id(name, public_key).hex()}+{_b64encode(bytes([ALG_ED25519]) + raw)}"


def parse_verifier_key(text: str) -> tuple[str, Ed25519PublicKey]:
    """``(name, public key)`` from a verifier key string; checks its key ID."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise CheckpointError("a verifier key has the form <name>+<hex key ID>+<base64 key>")
    name, hex_id, material = parts
    _check_key_name(name)
    if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
        raise CheckpointError("the key ID of a verifier key is 8 lower-case hex digits")
    blob = _b64decode_strict(material, "verifier key material")
    if len(blob) != 1 + 32 or blob[0] != ALG_ED25519:
        raise CheckpointError("only Ed25519 verifier keys (algorithm 0x01, 32 bytes) are supported")
    public_key = Ed25519PublicKey.from_public_bytes(blob[1:])
    if key_id(name, public_key).hex() != hex_id:
        raise CheckpointError(f"verifier key {name}: key ID does not match the key")
    return name, public_key


def checkpoint_body(
    origin: str, tree_size: int, root_hash: bytes, extensions: tuple[str, ...] = ()
) -> str:
    _check_text_line(origin, "origin line")
    if type(tree_size) is not int or tree_size < 0 or tree_size >= 1 << 64:
        raise CheckpointError(f"tree size must be an unsigned 64-bit integer, got {tree_size!r}")
    if len(root_hash) != HASH_SIZE:
        raise CheckpointError(f"root hash must be {HASH_SIZE} bytes, got {len(root_hash)}")
    for line in extensions:
        _check_text_line(line, "extension line")
    lines = [origin, str(tree_size), _b64encode(root_hash), *extensions]
    return "\n".join(lines) + "\n"


def sign_note(text: str, private_key: Ed25519PrivateKey, key_name: str) -> str:
    """``text`` + blank line + one signature line: a C2SP signed note.

    ``text`` must end with a newline; the signature covers it exactly as given.
    """
    _check_key_name(key_name)
    if not text.endswith("\n"):
        raise CheckpointError("the text of a signed note ends with a newline")
    signature = private_key.sign(text.encode("utf-8"))
    blob = key_id(key_name, private_key.public_key()) + signature
    return f"{text}\n{_SIGNATURE_PREFIX}{key_name} {_b64encode(blob)}\n"


def sign_checkpoint(
    origin: str,
    tree_size: int,
    root_hash: bytes,
    private_key: Ed25519PrivateKey,
    key_name: str,
    extensions: tuple[str, ...] = (),
) -> str:
    """A signed checkpoint note for the tree of ``tree_size`` leaves with ``root_hash``."""
    return sign_note(
        checkpoint_body(origin, tree_size, root_hash, extensions), private_key, key_name
    )


def _split_note(text: str) -> tuple[str, list[str]]:
    if not text.endswith("\n"):
        raise CheckpointError("a signed note ends with a newline")
    if "\r" in text:
        raise CheckpointError("a signed note uses LF line endings only")
    # Signature lines are never empty, so the last blank line separates them from the
    # body; the body itself has no blank line (checkpoint lines are all non-empty).
    split = text.rfind("\n\n")
    if split < 0:
        raise CheckpointError("no blank line between the checkpoint and its signatures")
    body = text[: split + 1]
    signature_lines = text[split + 2 :].split("\n")[:-1]
    if not signature_lines:
        raise CheckpointError("the checkpoint has no signature lines")
    return body, signature_lines


def _parse_signature_line(line: str, number: int) -> NoteSignature:
    where = f"signature line {number}"
    if not line.startswith(_SIGNATURE_PREFIX):
        raise CheckpointError(f"{where} does not start with an em dash and a space")
    fields = line[len(_SIGNATURE_PREFIX) :].split(" ")
    if len(fields) != 2:
        raise CheckpointError(f"{where} is not '— <key name> <base64 signature>'")
    name, encoded = fields
    try:
        _check_key_name(name)
    except CheckpointError as exc:
        raise CheckpointError(f"{where}: {exc}") from None
    blob = _b64decode_strict(encoded, where)
    if len(blob) < 5:
        raise CheckpointError(f"{where} is too short to hold a key ID and a signature")
    return NoteSignature(key_name=name, key_id=blob[:4], signature=blob[4:])


def _parse_body(body: str) -> tuple[str, int, bytes, tuple[str, ...]]:
    lines = body.split("\n")[:-1]  # body ends with "\n"
    if len(lines) < 3:
        raise CheckpointError("a checkpoint has an origin line, a tree size and a root hash")
    origin, size_text, root_text, *extensions = lines
    _check_text_line(origin, "origin line")
    if not _DECIMAL.match(size_text) or int(size_text) >= 1 << 64:
        raise CheckpointError(f"tree size {size_text!r} is not a decimal without leading zeros")
    root_hash = _b64decode_strict(root_text, "root hash")
    if len(root_hash) != HASH_SIZE:
        raise CheckpointError(f"root hash is {len(root_hash)} bytes, expected {HASH_SIZE}")
    for line in extensions:
        _check_text_line(line, "extension line")
    return origin, int(size_text), root_hash, tuple(extensions)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a signed checkpoint without checking any signature."""
    body, signature_lines = _split_note(text)
    if len(signature_lines) > MAX_SIGNATURES:
        raise CheckpointError(f"more than {MAX_SIGNATURES} signatures")
    signatures = tuple(
        _parse_signature_line(line, number) for number, line in enumerate(signature_lines, 1)
    )
    origin, tree_size, root_hash, extensions = _parse_body(body)
    return Checkpoint(origin, tree_size, root_hash, signatures, extensions)


def verify_checkpoint(
    text: str, public_key: Ed25519PublicKey, key_name: str | None = None
) -> Checkpoint:
    """Parse ``text`` and check the signature made by ``public_key`` under ``key_name``.

    Without ``key_name`` the name is taken from whichever signature line carries the
    key ID of ``public_key`` under that name: the key ID binds name and key, so a line
    cannot borrow another name. Raises :class:`CheckpointError` naming what is wrong.
    """
    checkpoint = parse_checkpoint(text)
    body = checkpoint.body.encode("utf-8")
    if key_name is not None:
        _check_key_name(key_name)
        candidates = [s for s in checkpoint.signatures if s.key_name == key_name]
        if not candidates:
            present = ", ".join(sorted({s.key_name for s in checkpoint.signatures}))
            raise CheckpointError(f"no signature by key {key_name!r} (signatures by: {present})")
    else:
        candidates = list(checkpoint.signatures)
    matching = [s for s in candidates if s.key_id == key_id(s.key_name, public_key)]
    if not matching:
        raise CheckpointError(
            "no signature line carries the key ID of the given public key"
            + (f" under the name {key_name!r}" if key_name else "")
            + ": the checkpoint was signed by another key"
        )
    for signature in matching:
        try:
            public_key.verify(signature.signature, body)
        except InvalidSignature:
            raise CheckpointError(
                f"the signature by {signature.key_name!r} does not verify: "
                "the checkpoint text was altered after signing"
            ) from None
    return checkpoint


# --- keys ------------------------------------------------------------------------------


def _as_text(data: str | bytes) -> str:
    if isinstance(data, bytes):
        try:
            return data.decode("ascii")
        except UnicodeDecodeError:
            raise CheckpointError("key text must be ASCII (PEM or base64)") from None
    return data


def load_private_key(data: str | bytes, password: bytes | None = None) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM (PKCS#8), base64 of the 32-byte seed, or the note
    signer form ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``."""
    text = _as_text(data).strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text.encode("ascii"), password=password)
        except (ValueError, TypeError) as exc:
            raise CheckpointError(f"cannot read the PEM private key: {exc}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise CheckpointError("the PEM private key is not an Ed25519 key")
        return key
    if text.startswith(_PRIVATE_NOTE_PREFIX):
        parts = text[len(_PRIVATE_NOTE_PREFIX) :].split("+", 2)
        if len(parts) != 3:
            raise CheckpointError("a note signer key has the form PRIVATE+KEY+<name>+<id>+<key>")
        name, hex_id, material = parts
        blob = _b64decode_strict(material, "signer key material")
        if len(blob) != 33 or blob[0] != ALG_ED25519:
            raise CheckpointError("only Ed25519 signer keys are supported")
        key = Ed25519PrivateKey.from_private_bytes(blob[1:])
        if key_id(name, key.public_key()).hex() != hex_id:
            raise CheckpointError(f"signer key {name}: key ID does not match the key")
        return key
    seed = _b64decode_strict(text, "private key")
    if len(seed) != 32:
        raise CheckpointError(f"an Ed25519 private key is 32 bytes, got {len(seed)}")
    return Ed25519PrivateKey.from_private_bytes(seed)


def load_public_key(data: str | bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM (SubjectPublicKeyInfo), base64 of the 32 raw
    bytes, or a note verifier key string (``<name>+<hex key ID>+<base64>``)."""
    text = _as_text(data).strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode("ascii"))
        except ValueError as exc:
            raise CheckpointError(f"cannot read the PEM public key: {exc}") from None
        if not isinstance(key, Ed25519PublicKey):
            raise CheckpointError("the PEM public key is not an Ed25519 key")
        return key
    if text.count("+") >= 2 and re.match(r"[^+\s]+\+[0-9a-f]{8}\+", text):
        return parse_verifier_key(text)[1]
    raw = _b64decode_strict(text, "public key")
    if len(raw) != 32:
        raise CheckpointError(f"an Ed25519 public key is 32 bytes, got {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def dump_private_key(key: Ed25519PrivateKey, *, pem: bool = True) -> bytes:
    """PKCS#8 PEM (unencrypted: protect the file), or base64 of the seed with ``pem=False``."""
    if pem:
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw) + b"\n"


def dump_public_key(key: Ed25519PublicKey, *, pem: bool = True) -> bytes:
    """SubjectPublicKeyInfo PEM, or base64 of the 32 raw bytes with ``pem=False``."""
    if pem:
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw) + b"\n"
