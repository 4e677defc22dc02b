"""Offline verifier of an investigator export package.

    python -m audit.verify PACKAGE --public-key FILE [--key-name NAME]

PACKAGE is the ZIP as delivered or the folder it was unpacked into. Needs only the
Python standard library and ``cryptography``: no platform, no database, no network.
The checks run in a fixed order and stop at the first problem, which is named with
its file and line:

1. bag structure and bagit.txt;
2. the Ed25519 signature in tagmanifest-sha256.txt.sig over tagmanifest-sha256.txt;
3. every tag file against the tag manifest, and no unlisted tag file;
4. manifest-sha256.txt against the files under data/ (nothing missing, nothing extra);
5. the SHA-256 of every payload file;
6. Payload-Oxum in bag-info.txt;
7. the evidence list against the manifest;
8. the checkpoint signature (data/checkpoint.txt);
9. every event line of data/events.jsonl: canonical form, and its inclusion proof
   (data/proofs.jsonl, same line) against the checkpoint's root hash.

Exit status: 0 intact, 1 a problem was found, 2 the verifier could not run (bad
arguments, unreadable key or package).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import csv
import hashlib
import io
import json
import os
import re
import sys
import zipfile
from abc import abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from audit.canonical import CanonicalError, parse_canonical
from audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    load_public_key,
    parse_verifier_key,
    verify_checkpoint,
)
from audit.merkle import HASH_SIZE, leaf_hash, verify_inclusion

BAGIT = "bagit.txt"
BAG_INFO = "bag-info.txt"
MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
SIGNATURE = "tagmanifest-sha256.txt.sig"
TAG_FILES = (BAGIT, BAG_INFO, MANIFEST)
EVENTS = "data/events.jsonl"
PROOFS = "data/proofs.jsonl"
CHECKPOINT = "data/checkpoint.txt"
EVIDENCE_CSV = "data/evidence-list.csv"

_CHUNK = 1 << 20
_HEX64 = re.compile(r"[0-9a-fA-F]{64}\Z")
_PROOF_KEYS = frozenset({"event_id", "leaf_index", "tree_size", "path"})


class Problem(Exception):
    """The first thing found wrong with the package; the message says where."""


class CannotVerify(Exception):
    """The verifier could not run at all (unreadable input, not a package)."""


@dataclass(frozen=True)
class Report:
    """Outcome of :func:`verify_package`. ``problem`` is None when the package is intact."""

    problem: str | None
    files: int = 0
    events: int = 0
    tree_size: int | None = None
    origin: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def summary(self) -> str:
        if self.problem is not None:
            return f"NOT INTACT: {self.problem}"
        return f"intact: {self.files} files, {self.events} events, tree size {self.tree_size}"


# --- reading a bag from a folder or a ZIP --------------------------------------------


class _Bag(AbstractContextManager["_Bag"]):
    """Files of one bag, named by their path relative to the bag's base folder."""

    @abstractmethod
    def names(self) -> list[str]: ...

    @abstractmethod
    def open(self, name: str) -> IO[bytes]: ...

    @abstractmethod
    def size(self, name: str) -> int: ...

    def read(self, name: str) -> bytes:
        try:
            with self.open(name) as stream:
                return stream.read()
        except zipfile.BadZipFile as exc:
            raise Problem(f"{name}: damaged inside the ZIP ({exc})") from None

    def close(self) -> None:
        pass

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _FolderBag(_Bag):
    def __init__(self, base: Path) -> None:
        self._base = base
        names: list[str] = []
        # os.walk does not follow links; a linked folder shows up in ``dirs``, so look
        # at both lists: a link could point at a file outside the package.
        for folder, dirs, files in os.walk(base):
            dirs.sort()
            for entry in sorted(files) + dirs:
                full = Path(folder) / entry
                rel = full.relative_to(base).as_posix()
                if full.is_symlink():
                    raise Problem(f"{rel}: symbolic links are not part of a package")
                if entry in files:
                    names.append(rel)
        self._names = names

    def names(self) -> list[str]:
        return self._names

    def open(self, name: str) -> IO[bytes]:
        return open(self._base / name, "rb")

    def size(self, name: str) -> int:
        return (self._base / name).stat().st_size


class _ZipBag(_Bag):
    def __init__(self, path: Path) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise CannotVerify(f"{path.name}: not a readable ZIP file ({exc})") from None
        tops: set[str] = set()
        names: list[str] = []
        seen: set[str] = set()
        for info in self._zip.infolist():
            name = info.filename
            if name.endswith("/"):
                continue
            parts = name.split("/")
            if name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
                raise Problem(f"ZIP entry {name!r}: unsafe path")
            if len(parts) < 2:
                raise Problem(f"ZIP entry {name!r} lies outside the bag's top-level folder")
            if name in seen:
                raise Problem(f"ZIP entry {name!r} appears twice")
            seen.add(name)
            tops.add(parts[0])
            names.append(name)
        if len(tops) != 1:
            raise Problem(
                f"the ZIP must hold exactly one top-level folder (the bag), found {sorted(tops)}"
            )
        self._prefix = tops.pop() + "/"
        self._names = sorted(n[len(self._prefix) :] for n in names)

    def names(self) -> list[str]:
        return self._names

    def open(self, name: str) -> IO[bytes]:
        return self._zip.open(self._prefix + name)

    def size(self, name: str) -> int:
        return self._zip.getinfo(self._prefix + name).file_size

    def close(self) -> None:
        self._zip.close()


def _open_bag(path: Path) -> _Bag:
    if path.is_dir():
        if (path / BAGIT).is_file():
            return _FolderBag(path)
        children = [c for c in path.iterdir() if not c.name.startswith(".")]
        if len(children) == 1 and (children[0] / BAGIT).is_file():
            return _FolderBag(children[0])  # the folder the ZIP was unpacked into
        raise Problem(f"{path.name}: no {BAGIT} in this folder or its single subfolder")
    if path.is_file():
        return _ZipBag(path)
    raise CannotVerify(f"{path}: no such file or folder")


# --- helpers -----------------------------------------------------------------------


def _sha256_of(bag: _Bag, name: str) -> str:
    hasher = hashlib.sha256()
    try:
        with bag.open(name) as stream:
            while chunk := stream.read(_CHUNK):
                hasher.update(chunk)
    except zipfile.BadZipFile as exc:
        # A byte changed inside a stored entry trips the ZIP's own CRC first.
        raise Problem(f"{name}: damaged inside the ZIP ({exc})") from None
    return hasher.hexdigest()


def _decode_manifest_path(path: str) -> str:
    return re.sub(
        r"%(0A|0D|25)",
        lambda m: {"0A": "\n", "0D": "\r", "25": "%"}[m.group(1)],
        path,
        flags=re.IGNORECASE,
    )


def _parse_manifest(data: bytes, manifest_name: str) -> dict[str, str]:
    """``{path: lower-case hex sha256}`` in file order; every line checked."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(f"{manifest_name}: not UTF-8") from None
    if text and not text.endswith("\n"):
        raise Problem(f"{manifest_name}: the last line has no newline")
    entries: dict[str, str] = {}
    for number, line in enumerate(text.split("\n")[:-1], 1):
        match = re.fullmatch(r"([0-9A-Fa-f]+)[ \t]+(\S.*)", line.rstrip("\r"))
        if not match or not _HEX64.match(match.group(1)):
            raise Problem(f"{manifest_name} line {number}: not '<sha256> <path>'")
        path = _decode_manifest_path(match.group(2))
        if path in entries:
            raise Problem(f"{manifest_name} line {number}: {path} is listed twice")
        entries[path] = match.group(1).lower()
    return entries


def _parse_bag_info(data: bytes) -> dict[str, str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(f"{BAG_INFO}: not UTF-8") from None
    info: dict[str, str] = {}
    last: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if line[:1] in (" ", "\t") and last is not None:
            info[last] += " " + line.strip()  # RFC 8493 continuation line
            continue
        label, sep, value = line.partition(":")
        if not sep or not label.strip():
            raise Problem(f"{BAG_INFO} line {number}: not 'Label: value'")
        last = label.strip()
        info[last] = value.strip()  # a repeated label keeps its last value for lookups
    return info


def _iter_lines(bag: _Bag, name: str) -> Iterator[bytes]:
    """Lines without their "\\n"; a final line without a newline is a problem."""
    with bag.open(name) as raw:
        for number, line in enumerate(raw, 1):
            if not line.endswith(b"\n"):
                raise Problem(f"{name} line {number}: the last line has no newline")
            yield line[:-1]


# --- the checks --------------------------------------------------------------------


def _check(bag: _Bag, public_key: Ed25519PublicKey, key_name: str | None) -> Report:
    """Every check, in the order that names the first problem most precisely."""
    names = bag.names()
    name_set = set(names)
    _check_bagit(bag, name_set)
    tag_manifest = _check_signature(bag, name_set, public_key)
    _check_tag_files(bag, names, name_set, tag_manifest)
    manifest, payload = _check_payload(bag, names, name_set)
    info = _check_oxum(bag, payload)
    if EVIDENCE_CSV in manifest:
        # The evidence list must agree with the manifest.
        _check_evidence_list(bag.read(EVIDENCE_CSV), manifest)
    checkpoint = _check_checkpoint(bag, manifest, public_key, key_name)
    events = _check_events(bag, manifest, checkpoint)
    expected_events = info.get("Event-Count")
    if expected_events is not None and expected_events != str(events):
        raise Problem(f"{BAG_INFO}: Event-Count is {expected_events}, {EVENTS} has {events} events")
    return Report(
        problem=None,
        files=len(manifest),
        events=events,
        tree_size=checkpoint.tree_size,
        origin=checkpoint.origin,
    )


def _check_bagit(bag: _Bag, name_set: set[str]) -> None:
    """1. bag structure."""
    if BAGIT not in name_set:
        raise Problem(f"{BAGIT} is missing: this is not a BagIt bag")
    bagit = bag.read(BAGIT).decode("utf-8", "replace")
    if not re.match(r"BagIt-Version: 1\.\d+\r?\nTag-File-Character-Encoding: UTF-8\r?\n", bagit):
        raise Problem(f"{BAGIT}: not 'BagIt-Version: 1.x' with UTF-8 tag files")


def _check_signature(bag: _Bag, name_set: set[str], public_key: Ed25519PublicKey) -> bytes:
    """2. the signature over the tag manifest anchors everything else; returns the manifest."""
    for required in (TAG_MANIFEST, SIGNATURE):
        if required not in name_set:
            raise Problem(f"{required} is missing")
    tag_manifest = bag.read(TAG_MANIFEST)
    encoded_signature = bag.read(SIGNATURE).strip()
    try:
        signature = base64.b64decode(encoded_signature, validate=True)
    except binascii.Error:
        raise Problem(f"{SIGNATURE}: not base64") from None
    if len(signature) != 64:
        raise Problem(f"{SIGNATURE}: an Ed25519 signature is 64 bytes, found {len(signature)}")
    try:
        public_key.verify(signature, tag_manifest)
    except InvalidSignature:
        raise Problem(
            f"{SIGNATURE}: the signature over {TAG_MANIFEST} does not verify with the given "
            f"public key ({TAG_MANIFEST} or its signature was altered, or another key signed it)"
        ) from None
    return tag_manifest


def _check_tag_files(bag: _Bag, names: list[str], name_set: set[str], tag_manifest: bytes) -> None:
    """3. tag files: each listed, present and unchanged; nothing else outside data/."""
    tags = _parse_manifest(tag_manifest, TAG_MANIFEST)
    for tag_name in TAG_FILES:
        if tag_name not in tags:
            raise Problem(f"{TAG_MANIFEST}: does not list {tag_name}")
    for tag_name, digest in tags.items():
        if tag_name.startswith("data/") or tag_name in (TAG_MANIFEST, SIGNATURE):
            raise Problem(f"{TAG_MANIFEST}: lists {tag_name}, which is not a tag file")
        if tag_name not in name_set:
            raise Problem(f"{tag_name}: listed in {TAG_MANIFEST} but missing from the bag")
        actual = _sha256_of(bag, tag_name)
        if actual != digest:
            raise Problem(
                f"{tag_name}: SHA-256 is {actual}, {TAG_MANIFEST} says {digest} (file altered)"
            )
    for name in names:
        if (
            not name.startswith("data/")
            and name not in tags
            and name not in (TAG_MANIFEST, SIGNATURE)
        ):
            raise Problem(f"{name}: a file outside data/ that {TAG_MANIFEST} does not list")


def _check_payload(bag: _Bag, names: list[str], name_set: set[str]) -> tuple[dict[str, str], list[str]]:
    """4-5. the payload manifest against the payload folder, then every payload file's hash."""
    manifest = _parse_manifest(bag.read(MANIFEST), MANIFEST)
    for path in manifest:
        if not path.startswith("data/"):
            raise Problem(f"{MANIFEST}: lists {path}, which is outside data/")
    payload = [n for n in names if n.startswith("data/")]
    for path in manifest:
        if path not in name_set:
            raise Problem(f"{path}: listed in {MANIFEST} but missing from the bag")
    for path in payload:
        if path not in manifest:
            raise Problem(f"{path}: present in the bag but not listed in {MANIFEST} (file added)")
    for path, digest in manifest.items():
        actual = _sha256_of(bag, path)
        if actual != digest:
            raise Problem(f"{path}: SHA-256 is {actual}, {MANIFEST} says {digest} (file altered)")
    return manifest, payload


def _check_oxum(bag: _Bag, payload: list[str]) -> dict[str, str]:
    """6. Payload-Oxum; returns bag-info. Checked after the hashes, though BagIt meant it as a
    quick pre-check: a hash mismatch names the altered file, an Oxum mismatch would not."""
    info = _parse_bag_info(bag.read(BAG_INFO))
    oxum = info.get("Payload-Oxum")
    if oxum is None or not re.fullmatch(r"\d+\.\d+", oxum):
        raise Problem(f"{BAG_INFO}: no valid Payload-Oxum")
    octets, count = (int(x) for x in oxum.split("."))
    actual_octets = sum(bag.size(path) for path in payload)
    if (octets, count) != (actual_octets, len(payload)):
        raise Problem(
            f"{BAG_INFO}: Payload-Oxum {oxum} does not match the payload "
            f"({actual_octets} bytes in {len(payload)} files)"
        )
    return info


def _check_checkpoint(bag: _Bag, manifest: dict[str, str], public_key: Ed25519PublicKey,
                      key_name: str | None) -> Checkpoint:
    """8. the signed checkpoint the event proofs lead to."""
    if CHECKPOINT not in manifest:
        raise Problem(f"{CHECKPOINT} is missing: the events cannot be checked against the log")
    try:
        checkpoint_text = bag.read(CHECKPOINT).decode("utf-8")
        return verify_checkpoint(checkpoint_text, public_key, key_name)
    except UnicodeDecodeError:
        raise Problem(f"{CHECKPOINT}: not UTF-8") from None
    except CheckpointError as exc:
        raise Problem(f"{CHECKPOINT}: {exc}") from None


def _check_evidence_list(data: bytes, manifest: dict[str, str]) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Problem(f"{EVIDENCE_CSV}: not UTF-8") from None
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    if header != ["path", "category", "format", "size", "sha256"]:
        raise Problem(f"{EVIDENCE_CSV} line 1: unexpected header {header}")
    for number, row in enumerate(rows, 2):
        if len(row) != 5:
            raise Problem(f"{EVIDENCE_CSV} line {number}: expected 5 columns")
        path, digest = row[0], row[4]
        if manifest.get(path) != digest.lower():
            raise Problem(
                f"{EVIDENCE_CSV} line {number}: {path} has SHA-256 {digest}, "
                f"{MANIFEST} says {manifest.get(path, 'nothing (not in the bag)')}"
            )


def _proof_record(line: bytes, number: int) -> dict[str, Any]:
    where = f"{PROOFS} line {number}"
    try:
        record = json.loads(line)
    except ValueError:
        raise Problem(f"{where}: not valid JSON") from None
    if not isinstance(record, dict) or set(record) != _PROOF_KEYS:
        raise Problem(f"{where}: expected the keys {sorted(_PROOF_KEYS)}")
    for key in ("event_id", "leaf_index", "tree_size"):
        if type(record[key]) is not int or record[key] < 0:
            raise Problem(f"{where}: {key} must be a non-negative integer")
    path = record["path"]
    if not isinstance(path, list) or not all(isinstance(h, str) and _HEX64.match(h) for h in path):
        raise Problem(f"{where}: path must be a list of 64-digit hex hashes")
    record["path"] = [bytes.fromhex(h) for h in path]
    return record


def _check_events(bag: _Bag, manifest: dict[str, str], checkpoint: Checkpoint) -> int:
    for required in (EVENTS, PROOFS):
        if required not in manifest:
            raise Problem(f"{required} is missing")
    root = checkpoint.root_hash
    tree_size = checkpoint.tree_size
    assert len(root) == HASH_SIZE
    seen_leaves: dict[int, int] = {}
    count = 0
    proof_lines = _iter_lines(bag, PROOFS)
    for number, line in enumerate(_iter_lines(bag, EVENTS), 1):
        where = f"{EVENTS} line {number}"
        try:
            event = parse_canonical(line)
        except CanonicalError as exc:
            raise Problem(f"{where}: {exc}") from None
        proof_line = next(proof_lines, None)
        if proof_line is None:
            raise Problem(f"{PROOFS} line {number}: missing (no proof for {where})")
        proof = _proof_record(proof_line, number)
        event_id = event["id"]
        if proof["event_id"] != event_id:
            raise Problem(
                f"{PROOFS} line {number}: proof is for event id {proof['event_id']}, "
                f"{where} holds event id {event_id}"
            )
        if proof["tree_size"] != tree_size:
            raise Problem(
                f"{PROOFS} line {number}: proof is for tree size {proof['tree_size']}, "
                f"the checkpoint has tree size {tree_size}"
            )
        leaf_index = proof["leaf_index"]
        if leaf_index in seen_leaves:
            raise Problem(
                f"{where} (event id {event_id}): leaf index {leaf_index} is already used by "
                f"line {seen_leaves[leaf_index]}"
            )
        seen_leaves[leaf_index] = number
        if not verify_inclusion(leaf_hash(line), leaf_index, tree_size, proof["path"], root):
            raise Problem(
                f"{where} (event id {event_id}): inclusion proof ({PROOFS} line {number}) "
                f"does not verify against the checkpoint root at tree size {tree_size}: "
                "the event differs from the one in the log"
            )
        count += 1
    if next(proof_lines, None) is not None:
        raise Problem(f"{PROOFS} line {count + 1}: a proof without an event in {EVENTS}")
    return count


def _coerce_key(public_key: Ed25519PublicKey | str | bytes) -> Ed25519PublicKey:
    if isinstance(public_key, Ed25519PublicKey):
        return public_key
    return load_public_key(public_key)


def verify_package(
    path: str | os.PathLike[str],
    public_key: Ed25519PublicKey | str | bytes,
    key_name: str | None = None,
) -> Report:
    """Check a package (ZIP or unpacked folder). Tampering yields a Report with a
    ``problem``; :class:`CannotVerify` is raised only when nothing could be checked."""
    key = _coerce_key(public_key)
    try:
        with _open_bag(Path(path)) as bag:
            return _check(bag, key, key_name)
    except Problem as exc:
        return Report(problem=str(exc))
    except OSError as exc:
        raise CannotVerify(f"cannot read the package: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m audit.verify",
        description="Verify an export package offline: bag manifests, signatures, "
        "checkpoint and the inclusion proof of every audit event.",
    )
    parser.add_argument("package", help="the package ZIP, or the folder it was unpacked into")
    parser.add_argument(
        "--public-key",
        required=True,
        metavar="FILE",
        help="the platform's Ed25519 public key: PEM, base64, or a note verifier key "
        "(<name>+<key ID>+<key>)",
    )
    parser.add_argument(
        "--key-name",
        metavar="NAME",
        help="the name the checkpoint is signed under (default: taken from a verifier "
        "key file, else any signature line whose key ID matches the key)",
    )
    args = parser.parse_args(argv)
    try:
        key_text = Path(args.public_key).read_text(encoding="ascii")
        key = load_public_key(key_text)
        key_name = args.key_name
        if key_name is None and "+" in key_text and "BEGIN" not in key_text:
            key_name = parse_verifier_key(key_text)[0]
        report = verify_package(args.package, key, key_name)
    except (OSError, UnicodeDecodeError, CheckpointError, CannotVerify) as exc:
        print(f"cannot verify: {exc}", file=sys.stderr)
        return 2
    if report.ok:
        print(report.summary())
        return 0
    print(report.summary(), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
