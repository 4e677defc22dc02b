"""Canonical events, the export package writer and the offline verifier."""

from __future__ import annotations

import base64
import math
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.canonical import (
    CanonicalError,
    canonical_bytes,
    event_leaf_hash,
    parse_canonical,
)
from audit.checkpoint import dump_public_key, sign_checkpoint, verifier_key_string
from audit.merkle import MerkleTree, leaf_hash
from audit.package import EventProof, PackageError, PackageWriter
from audit.verify import CHECKPOINT, verify_package

REPO_ROOT = Path(__file__).resolve().parents[2]
KEY_NAME = "takedown.example"
ORIGIN = "takedown.example/audit-log"
LOG_SIZE = 60
CASE_LEAVES = [3, 4, 10, 11, 12, 30, 41, 59]  # the case's events are a subset of the log


def make_event(i: int) -> dict[str, Any]:
    return {
        "id": 1000 + i,
        "created_at": datetime(2025, 3, 1, 8, 0, tzinfo=UTC) + timedelta(minutes=i, microseconds=i),
        "actor": f"user:{i % 5}",
        "code": "case.decided" if i % 2 else "notice.received",
        "target_type": "case",
        "target_id": str(70 + i // 10),
        "details": {"measure": "remove", "items": [i, "帖子"], "score": i / 8},
    }


# --- canonical event form -------------------------------------------------------------


def test_canonical_bytes_sort_keys_drop_whitespace_and_keep_unicode() -> None:
    event = {
        "target_type": "notice",
        "id": 7,
        "details": {"b": [1, 2.5, None, True], "a": {"z": "名字", "y": "\u00e9"}},
        "created_at": datetime(2025, 3, 1, 16, 0, 0, 120, tzinfo=timezone(timedelta(hours=8))),
        "actor": "user:12",
        "code": "notice.received",
        "target_id": "42",
    }
    assert (
        canonical_bytes(event)
        == (
            '{"actor":"user:12","code":"notice.received","created_at":"2025-03-01T08:00:00.000120Z",'
            '"details":{"a":{"y":"é","z":"名字"},"b":[1,2.5,null,true]},"id":7,'
            '"target_id":"42","target_type":"notice"}'
        ).encode()
    )
    assert event_leaf_hash(event) == leaf_hash(canonical_bytes(event))


def test_integral_numbers_are_always_written_as_integers() -> None:
    as_float = make_event(1) | {"details": {"n": 3.0, "big": 1e16, "zero": -0.0}}
    as_int = make_event(1) | {"details": {"n": 3, "big": 10**16, "zero": 0}}
    assert canonical_bytes(as_float) == canonical_bytes(as_int)
    assert b'"big":10000000000000000' in canonical_bytes(as_float)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_rejected(bad: float) -> None:
    with pytest.raises(CanonicalError, match=r"details\.x\[1\]: NaN and Infinity"):
        canonical_bytes(make_event(1) | {"details": {"x": [0, bad]}})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": True}, "id must be a non-negative int"),
        ({"id": -1}, "id must be a non-negative int"),
        ({"id": "7"}, "id must be a non-negative int"),
        ({"created_at": datetime(2025, 1, 1)}, "timezone-aware"),
        ({"created_at": "2025-01-01T00:00:00Z"}, "created_at must be"),
        ({"created_at": "2025-02-30T00:00:00.000000Z"}, "not a valid date"),
        ({"actor": 5}, "actor must be a string"),
        ({"details": []}, "details must be a JSON object"),
        ({"details": {1: "x"}}, "keys must be strings"),
        ({"details": {"when": datetime(2025, 1, 1, tzinfo=UTC)}}, "datetime is not a JSON value"),
        ({"extra": 1}, "unexpected \\['extra'\\]"),
    ],
)
def test_events_that_have_no_canonical_form_are_rejected(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(CanonicalError, match=message):
        canonical_bytes(make_event(1) | change)


def test_a_missing_field_is_named() -> None:
    event = make_event(1)
    del event["code"]
    with pytest.raises(CanonicalError, match=r"missing \['code'\]"):
        canonical_bytes(event)


def test_a_timestamp_string_in_canonical_form_is_kept_as_it_is() -> None:
    event = make_event(1) | {"created_at": "2025-03-01T08:00:00.000001Z"}
    assert b'"created_at":"2025-03-01T08:00:00.000001Z"' in canonical_bytes(event)


def test_parse_canonical_accepts_canonical_lines_only() -> None:
    line = canonical_bytes(make_event(3))
    assert canonical_bytes(parse_canonical(line)) == line
    with pytest.raises(CanonicalError, match="canonical form"):
        parse_canonical(line.replace(b'","', b'", "', 1))
    with pytest.raises(CanonicalError, match="duplicate key"):
        parse_canonical(b'{"id":1,"id":2}')
    with pytest.raises(CanonicalError, match="NaN is not allowed"):
        parse_canonical(line.replace(b'"score":0.375', b'"score":NaN'))


# --- building packages -----------------------------------------------------------------


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def log() -> tuple[list[dict[str, Any]], MerkleTree]:
    events = [make_event(i) for i in range(LOG_SIZE)]
    return events, MerkleTree([event_leaf_hash(e) for e in events])


@pytest.fixture
def evidence(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "evidence-source"
    folder.mkdir()
    photo = folder / "photo.jpg"
    photo.write_bytes(os.urandom(300_000))
    chat = folder / "chat.txt"
    chat.write_text("对方发布了我的住址和电话。\n" * 200, encoding="utf-8")
    return {"photo": photo, "chat": chat}


def write_package(
    target: Path,
    key: Ed25519PrivateKey,
    log: tuple[list[dict[str, Any]], MerkleTree],
    evidence: dict[str, Path],
    *,
    edit_event: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    checkpoint_key: Ed25519PrivateKey | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    events, tree = log
    checkpoint = sign_checkpoint(ORIGIN, tree.size, tree.root(), checkpoint_key or key, KEY_NAME)
    chosen = [events[i] for i in CASE_LEAVES]
    if edit_event is not None:
        chosen[2] = edit_event(dict(chosen[2]))
    proofs = [EventProof(i, tree.inclusion_proof(i)) for i in CASE_LEAVES]
    with PackageWriter(
        target,
        signing_key=key,
        key_name=KEY_NAME,
        bag_info={
            "Request-Reference": "GA-2025-0042",
            "Authority": "City Public Security Bureau, Cyber Division",
            "Exporter": "user:7",
        },
        progress=progress,
    ) as writer:
        writer.add_bytes(
            "data/case.json",
            b'{"case": 71, "status": "decided"}',
            "case record",
            "application/json",
        )
        writer.add_file("data/evidence/photo.jpg", evidence["photo"], "screenshot", "image/jpeg")
        writer.add_file("data/evidence/chat.txt", evidence["chat"], "chat log", "text/plain")
        writer.add_events(chosen, proofs, checkpoint)
    return target


@pytest.fixture
def package(tmp_path: Path, key, log, evidence) -> Path:
    return write_package(tmp_path / "GA-2025-0042.zip", key, log, evidence)


@pytest.fixture
def unpacked(tmp_path: Path, package: Path) -> Path:
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    return folder / "GA-2025-0042"


def flip_byte(path: Path, offset: int = 0) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_package_round_trip_verifies_as_zip_and_as_folder(
    package: Path, unpacked: Path, key: Ed25519PrivateKey
) -> None:
    for target in (package, unpacked, unpacked.parent):
        report = verify_package(target, key.public_key())
        assert report.problem is None
        assert (report.files, report.events, report.tree_size) == (8, len(CASE_LEAVES), LOG_SIZE)
        assert (
            report.summary() == f"intact: 8 files, {len(CASE_LEAVES)} events, tree size {LOG_SIZE}"
        )


def test_package_layout_is_a_bag_in_one_top_level_folder(package: Path, unpacked: Path) -> None:
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        kinds = {i.filename.rsplit("/", 1)[1]: i.compress_type for i in archive.infolist()}
    assert {n.split("/")[0] for n in names} == {"GA-2025-0042"}
    assert sorted(n.split("/", 1)[1] for n in names) == sorted(
        [
            "bagit.txt",
            "bag-info.txt",
            "manifest-sha256.txt",
            "tagmanifest-sha256.txt",
            "tagmanifest-sha256.txt.sig",
            "data/case.json",
            "data/evidence/photo.jpg",
            "data/evidence/chat.txt",
            "data/events.jsonl",
            "data/proofs.jsonl",
            "data/checkpoint.txt",
            "data/evidence-list.csv",
            "data/evidence-list.html",
        ]
    )
    assert kinds["photo.jpg"] == zipfile.ZIP_STORED  # already compressed: stored
    assert kinds["chat.txt"] == zipfile.ZIP_DEFLATED
    tag_manifest = (unpacked / "tagmanifest-sha256.txt").read_text()
    assert [line.split()[1] for line in tag_manifest.splitlines()] == [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
    ]
    info = (unpacked / "bag-info.txt").read_text(encoding="utf-8")
    assert "Request-Reference: GA-2025-0042\n" in info
    assert "Event-Count: 8\n" in info
    evidence_list = (unpacked / "data/evidence-list.csv").read_text(encoding="utf-8-sig")
    assert "data/evidence/photo.jpg,screenshot,image/jpeg,300000," in evidence_list
    events = (unpacked / "data/events.jsonl").read_bytes().splitlines()
    assert len(events) == len(CASE_LEAVES)
    assert all(canonical_bytes(parse_canonical(line)) == line for line in events)


def test_writer_reports_progress_up_to_the_total(tmp_path: Path, key, log, evidence) -> None:
    calls: list[tuple[int, int]] = []
    write_package(
        tmp_path / "p.zip", key, log, evidence, progress=lambda d, t: calls.append((d, t))
    )
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert calls[-1][0] == calls[-1][1] > 300_000


def test_writer_refuses_paths_outside_data_reserved_names_and_duplicates(
    tmp_path: Path, key: Ed25519PrivateKey
) -> None:
    writer = PackageWriter(tmp_path / "x.zip", signing_key=key, key_name=KEY_NAME, bag_info={})
    with pytest.raises(PackageError, match="start with 'data/'"):
        writer.add_bytes("notes.txt", b"", "note", "text/plain")
    with pytest.raises(PackageError, match=r"'\.\.'"):
        writer.add_bytes("data/../bagit.txt", b"", "note", "text/plain")
    with pytest.raises(PackageError, match="written by the package writer"):
        writer.add_bytes("data/events.jsonl", b"", "note", "text/plain")
    writer.add_bytes("data/a.txt", b"x", "note", "text/plain")
    with pytest.raises(PackageError, match="already in the package"):
        writer.add_bytes("data/A.TXT", b"y", "note", "text/plain")
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_writer_refuses_to_close_a_package_without_events(tmp_path: Path, key) -> None:
    with pytest.raises(PackageError, match="needs its audit events"):
        with PackageWriter(tmp_path / "x.zip", signing_key=key, key_name=KEY_NAME, bag_info={}):
            pass
    assert list(tmp_path.iterdir()) == []


def test_an_error_inside_the_with_block_leaves_no_file(tmp_path: Path, key) -> None:
    with pytest.raises(RuntimeError):
        with PackageWriter(
            tmp_path / "x.zip", signing_key=key, key_name=KEY_NAME, bag_info={}
        ) as w:
            w.add_bytes("data/a.txt", b"x", "note", "text/plain")
            raise RuntimeError("database went away")
    assert list(tmp_path.iterdir()) == []


def test_writer_refuses_a_proof_outside_the_checkpoint_tree(tmp_path: Path, key, log) -> None:
    events, tree = log
    checkpoint = sign_checkpoint(ORIGIN, 10, tree.root(10), key, KEY_NAME)
    with pytest.raises(PackageError, match="outside the checkpoint's tree of size 10"):
        with PackageWriter(
            tmp_path / "x.zip", signing_key=key, key_name=KEY_NAME, bag_info={}
        ) as w:
            w.add_events([events[30]], [EventProof(30, tree.inclusion_proof(30))], checkpoint)
    assert list(tmp_path.iterdir()) == []


# --- the verifier naming the first problem ------------------------------------------------


def problem(target: Path, key: Ed25519PrivateKey) -> str:
    report = verify_package(target, key.public_key())
    assert report.problem is not None, "tampering went unnoticed"
    return report.problem


def test_one_changed_byte_of_an_evidence_file_is_named(unpacked: Path, key) -> None:
    flip_byte(unpacked / "data/evidence/photo.jpg", 1000)
    assert problem(unpacked, key).startswith("data/evidence/photo.jpg: SHA-256 is ")


def test_one_changed_byte_of_the_events_file_is_named(unpacked: Path, key) -> None:
    flip_byte(unpacked / "data/events.jsonl", 40)
    message = problem(unpacked, key)
    assert message.startswith("data/events.jsonl: SHA-256 is ")
    assert "manifest-sha256.txt says" in message


def test_one_changed_byte_of_the_tag_manifest_is_named(unpacked: Path, key) -> None:
    flip_byte(unpacked / "tagmanifest-sha256.txt", 5)
    message = problem(unpacked, key)
    assert message.startswith(
        "tagmanifest-sha256.txt.sig: the signature over tagmanifest-sha256.txt"
    )


def test_one_changed_byte_of_the_signature_is_named(unpacked: Path, key) -> None:
    signature = unpacked / "tagmanifest-sha256.txt.sig"
    raw = bytearray(base64.b64decode(signature.read_bytes()))
    raw[20] ^= 0x01
    signature.write_bytes(base64.b64encode(bytes(raw)) + b"\n")
    assert "does not verify" in problem(unpacked, key)
    assert problem(unpacked, key).startswith("tagmanifest-sha256.txt.sig:")


def test_a_signature_file_that_is_not_base64_is_named(unpacked: Path, key) -> None:
    (unpacked / "tagmanifest-sha256.txt.sig").write_bytes(b"%%%\n")
    assert problem(unpacked, key) == "tagmanifest-sha256.txt.sig: not base64"


def test_a_changed_tag_file_is_named(unpacked: Path, key) -> None:
    info = unpacked / "bag-info.txt"
    info.write_text(info.read_text().replace("user:7", "user:8"))
    assert problem(unpacked, key).startswith("bag-info.txt: SHA-256 is ")


def test_an_added_payload_file_is_named(unpacked: Path, key) -> None:
    (unpacked / "data/evidence/extra.jpg").write_bytes(b"planted")
    assert problem(unpacked, key) == (
        "data/evidence/extra.jpg: present in the bag but not listed in manifest-sha256.txt "
        "(file added)"
    )


def test_an_added_file_outside_data_is_named(unpacked: Path, key) -> None:
    (unpacked / "readme.txt").write_text("hello")
    assert problem(unpacked, key) == (
        "readme.txt: a file outside data/ that tagmanifest-sha256.txt does not list"
    )


def test_a_removed_payload_file_is_named(unpacked: Path, key) -> None:
    (unpacked / "data/evidence/chat.txt").unlink()
    assert problem(unpacked, key) == (
        "data/evidence/chat.txt: listed in manifest-sha256.txt but missing from the bag"
    )


def test_an_event_edited_before_export_fails_its_inclusion_proof(
    tmp_path: Path, key, log, evidence
) -> None:
    # The bag and its signature are consistent (the exporter wrote them), but the
    # event no longer matches the leaf the log committed to.
    target = write_package(
        tmp_path / "edited.zip",
        key,
        log,
        evidence,
        edit_event=lambda e: e | {"details": {**e["details"], "measure": "no_action"}},
    )
    assert problem(target, key) == (
        f"data/events.jsonl line 3 (event id {1000 + CASE_LEAVES[2]}): inclusion proof "
        f"(data/proofs.jsonl line 3) does not verify against the checkpoint root at tree "
        f"size {LOG_SIZE}: the event differs from the one in the log"
    )


def test_a_checkpoint_signed_by_another_key_is_named(tmp_path: Path, key, log, evidence) -> None:
    target = write_package(
        tmp_path / "p.zip", key, log, evidence, checkpoint_key=Ed25519PrivateKey.generate()
    )
    assert problem(target, key).startswith(f"{CHECKPOINT}: no signature line carries the key ID")


def test_the_wrong_public_key_fails_at_the_tag_manifest_signature(package: Path) -> None:
    assert "does not verify with the given public key" in problem(
        package, Ed25519PrivateKey.generate()
    )


def test_a_changed_byte_inside_the_zip_is_named(package: Path, key) -> None:
    with zipfile.ZipFile(package) as archive:
        info = archive.getinfo("GA-2025-0042/data/evidence/photo.jpg")
        header_offset = info.header_offset
    with package.open("rb") as raw:
        raw.seek(header_offset + 26)
        name_length = int.from_bytes(raw.read(2), "little")
        extra_length = int.from_bytes(raw.read(2), "little")
    flip_byte(package, header_offset + 30 + name_length + extra_length + 5000)
    message = problem(package, key)
    assert message.startswith("data/evidence/photo.jpg: ")


def test_a_zip_rebuilt_with_a_changed_evidence_file_is_named(package: Path, key) -> None:
    rebuilt = package.with_name("rebuilt.zip")
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(rebuilt, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("chat.txt"):
                data = data.replace("住址".encode(), "地址".encode(), 1)
            target.writestr(info, data)
    assert problem(rebuilt, key).startswith("data/evidence/chat.txt: SHA-256 is ")


# --- the command line ------------------------------------------------------------------


def run_verifier(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(REPO_ROOT)
    return subprocess.run(
        [sys.executable, "-m", "audit.verify", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
    )


def test_command_line_reports_an_intact_package_and_exits_zero(
    tmp_path: Path, package: Path, key
) -> None:
    pem = tmp_path / "platform.pem"
    pem.write_bytes(dump_public_key(key.public_key()))
    result = run_verifier(str(package), "--public-key", str(pem), "--key-name", KEY_NAME)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"intact: 8 files, {len(CASE_LEAVES)} events, tree size {LOG_SIZE}\n"

    note_key = tmp_path / "platform.vkey"
    note_key.write_text(verifier_key_string(KEY_NAME, key.public_key()) + "\n")
    assert run_verifier(str(package), "--public-key", str(note_key)).returncode == 0


def test_command_line_names_the_problem_and_exits_one(tmp_path: Path, unpacked: Path, key) -> None:
    pem = tmp_path / "platform.pem"
    pem.write_bytes(dump_public_key(key.public_key()))
    (unpacked / "data/evidence/chat.txt").write_text("replaced")
    result = run_verifier(str(unpacked), "--public-key", str(pem))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("NOT INTACT: data/evidence/chat.txt: SHA-256 is ")


def test_command_line_exits_two_when_it_cannot_run(tmp_path: Path, package: Path) -> None:
    bad_key = tmp_path / "key.txt"
    bad_key.write_text("not a key")
    result = run_verifier(str(package), "--public-key", str(bad_key))
    assert result.returncode == 2
    assert result.stderr.startswith("cannot verify:")


def test_verifier_runs_without_django() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(REPO_ROOT)
    code = (
        "import sys, audit.verify; print(sorted(m for m in sys.modules if m.startswith('django')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_verifier_files_alone_are_enough(tmp_path: Path, package: Path, key) -> None:
    # An investigator gets only the verifier's modules: copy them away from the project.
    copy = tmp_path / "verifier" / "audit"
    copy.mkdir(parents=True)
    for name in ("__init__.py", "merkle.py", "canonical.py", "checkpoint.py", "verify.py"):
        target = copy / name
        if name == "__init__.py":
            target.write_text("")
        else:
            shutil.copy(REPO_ROOT / "audit" / name, target)
    pem = tmp_path / "platform.pem"
    pem.write_bytes(dump_public_key(key.public_key()))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(copy.parent)
    result = subprocess.run(
        [sys.executable, "-m", "audit.verify", str(package), "--public-key", str(pem)],
        capture_output=True,
        text=True,
        env=env,
        cwd=copy.parent,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
