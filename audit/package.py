"""Writer of the investigator export: a signed BagIt (RFC 8493) bag inside one ZIP file.

Layout (``<bag>`` is the bag name, the ZIP's single top-level folder)::

    <bag>/bagit.txt
    <bag>/bag-info.txt
    <bag>/data/...                      payload: case records, evidence, and
    <bag>/data/events.jsonl               one canonical audit event per line
    <bag>/data/proofs.jsonl               the inclusion proof of each event line
    <bag>/data/checkpoint.txt             the signed checkpoint the proofs lead to
    <bag>/data/evidence-list.csv          category, format, size, SHA-256 per item
    <bag>/data/evidence-list.html         the same, readable in a browser
    <bag>/manifest-sha256.txt            every payload file
    <bag>/tagmanifest-sha256.txt         bagit.txt, bag-info.txt, manifest-sha256.txt
    <bag>/tagmanifest-sha256.txt.sig     base64 Ed25519 signature of the tag manifest

The tag files are exactly bagit.txt, bag-info.txt and manifest-sha256.txt. The tag
manifest cannot list itself, and it cannot list its signature, which is made from it;
every other file in the bag is reached from the signature through a hash.

Every file is hashed while it is copied into the ZIP, so evidence is read once.
Already-compressed formats are stored; text is deflated at a fast level.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import os
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any, NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.canonical import canonical_bytes, format_timestamp
from audit.checkpoint import parse_checkpoint, verifier_key_string

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
BAG_INFO = "bag-info.txt"
MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
SIGNATURE = "tagmanifest-sha256.txt.sig"
TAG_FILES = ("bagit.txt", BAG_INFO, MANIFEST)

EVENTS = "data/events.jsonl"
PROOFS = "data/proofs.jsonl"
CHECKPOINT = "data/checkpoint.txt"
EVIDENCE_CSV = "data/evidence-list.csv"
EVIDENCE_HTML = "data/evidence-list.html"
RESERVED_PAYLOAD = frozenset({EVENTS, PROOFS, CHECKPOINT, EVIDENCE_CSV, EVIDENCE_HTML})

#: bag-info.txt labels the writer sets itself; callers may not supply them.
WRITER_LABELS = frozenset(
    {
        "Bagging-Date",
        "Payload-Oxum",
        "Signing-Key",
        "Checkpoint-Origin",
        "Checkpoint-Tree-Size",
        "Event-Count",
    }
)

_CHUNK = 1 << 20
_DEFLATE_LEVEL = 1  # text is small next to the evidence; speed matters more than ratio

# Formats whose content is already compressed: deflating them again costs time and
# gains nothing. Checked by the declared format and by the file suffix.
_COMPRESSED_SUFFIXES = frozenset(
    ".jpg .jpeg .png .gif .webp .heic .heif .avif .pdf .zip .gz .tgz .bz2 .xz .zst .7z "
    ".rar .mp4 .m4v .mov .webm .mkv .avi .mp3 .m4a .aac .ogg .oga .opus .flac "
    ".docx .xlsx .pptx .odt .ods .epub".split()
)
_COMPRESSED_TYPES = ("image/", "video/", "audio/")
_COMPRESSED_FORMATS = frozenset(
    {
        "pdf",
        "application/pdf",
        "application/zip",
        "application/gzip",
        "jpeg",
        "jpg",
        "png",
        "gif",
        "webp",
        "heic",
        "mp4",
        "mov",
        "webm",
        "mp3",
    }
)
_TEXT_IMAGE_TYPES = frozenset({"image/svg+xml", "image/bmp", "image/tiff"})


def _already_compressed(path_in_bag: str, fmt: str) -> bool:
    lowered = fmt.strip().lower()
    if lowered in _TEXT_IMAGE_TYPES:
        return False
    if lowered in _COMPRESSED_FORMATS or lowered.startswith(_COMPRESSED_TYPES):
        return True
    return PurePosixPath(path_in_bag).suffix.lower() in _COMPRESSED_SUFFIXES


class PackageError(ValueError):
    """The package cannot be written as asked."""


class EventProof(NamedTuple):
    """The inclusion proof of one event: its leaf index and the audit path, leaf first."""

    leaf_index: int
    path: Sequence[bytes]


@dataclass(frozen=True)
class EvidenceItem:
    path: str
    category: str
    format: str
    size: int
    sha256: str


def encode_manifest_path(path: str) -> str:
    """RFC 8493 section 2.1.3: percent-encode CR, LF and '%' in manifest paths."""
    return path.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D")


def _check_payload_path(path: str) -> None:
    parts = path.split("/")
    if parts[0] != "data" or len(parts) < 2:
        raise PackageError(f"{path!r}: payload paths start with 'data/'")
    if any(part in ("", ".", "..") for part in parts):
        raise PackageError(f"{path!r}: empty, '.' or '..' path segment")
    if "\\" in path or any(ord(c) < 0x20 or c == "\x7f" for c in path):
        raise PackageError(f"{path!r}: backslashes and control characters are not allowed")


def _check_label(label: str, value: str) -> None:
    if not label or label != label.strip() or ":" in label or any(c in label for c in "\r\n"):
        raise PackageError(f"bag-info label {label!r} is empty, padded, or holds ':' or a newline")
    if any(c in value for c in "\r\n"):
        raise PackageError(f"bag-info value of {label!r} holds a newline")


def _proof_line(event_id: Any, leaf_index: int, tree_size: int, path: Sequence[bytes]) -> bytes:
    """One line of proofs.jsonl: the event's leaf and its audit path to the checkpoint."""
    proof = {"event_id": event_id, "leaf_index": leaf_index, "tree_size": tree_size, "path": [h.hex() for h in path]}
    return _PROOF_ENCODER.encode(proof).encode("ascii") + b"\n"


class PackageWriter:
    """Writes one export package. Use as a context manager; ``close()`` signs it.

    The ZIP is written to ``<output>.partial`` and renamed into place by ``close()``, so
    a reader never sees half a package; leaving the ``with`` block by an exception
    deletes the partial file.

    ``progress(done, total)`` is called as payload bytes are written. ``total`` is
    ``expected_bytes`` when given (pass the sum of the evidence sizes for a true bar),
    otherwise the bytes known so far.
    """

    def __init__(
        self,
        output_path: str | os.PathLike[str],
        *,
        signing_key: Ed25519PrivateKey,
        key_name: str,
        bag_info: Mapping[str, str] | Sequence[tuple[str, str]],
        bag_name: str | None = None,
        progress: Callable[[int, int], None] | None = None,
        expected_bytes: int | None = None,
        created_at: datetime | None = None,
    ) -> None:
        self._output = Path(output_path)
        self._partial = self._output.with_name(self._output.name + ".partial")
        self._key = signing_key
        self._key_name = key_name
        items = list(bag_info.items() if isinstance(bag_info, Mapping) else bag_info)
        for label, value in items:
            _check_label(label, value)
            if label in WRITER_LABELS:
                raise PackageError(f"bag-info label {label!r} is set by the writer")
        self._bag_info = items
        self._bag = bag_name or self._output.stem
        if not self._bag or "/" in self._bag or self._bag in (".", ".."):
            raise PackageError(f"bag name {self._bag!r} is not a folder name")
        self._created = (created_at or datetime.now(UTC)).astimezone(UTC)
        self._zip_time = self._created.timetuple()[:6]
        self._progress = progress
        self._expected = expected_bytes or 0
        self._done = 0
        self._known = 0
        self._manifest: list[tuple[str, str]] = []  # (hex sha256, path) in write order
        self._payload_octets = 0
        self._seen: set[str] = set()  # case-folded, so unpacking on any OS keeps all files
        self._evidence: list[EvidenceItem] = []
        self._checkpoint_origin = ""
        self._tree_size: int | None = None
        self._event_count: int | None = None
        self._closed = False
        self._partial.parent.mkdir(parents=True, exist_ok=True)
        self._zip = zipfile.ZipFile(self._partial, "w", allowZip64=True)
        self._bagit_digest, _ = self._write_entry(
            "bagit.txt", [BAGIT_TXT], compress=True, size_hint=len(BAGIT_TXT)
        )

    # -- context manager -------------------------------------------------------------

    def __enter__(self) -> PackageWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    # -- payload ---------------------------------------------------------------------

    def add_file(
        self, path_in_bag: str, source_path: str | os.PathLike[str], category: str, fmt: str
    ) -> str:
        """Copy a file into the payload; returns its SHA-256 (hex)."""
        self._claim(path_in_bag)
        with open(source_path, "rb", buffering=0) as source:
            size = os.fstat(source.fileno()).st_size
            self._known += size
            digest, written = self._write_entry(
                path_in_bag,
                _read_chunks(source),
                compress=not _already_compressed(path_in_bag, fmt),
                size_hint=size,
                count_progress=True,
            )
        self._record(path_in_bag, digest, written, category, fmt)
        return digest

    def add_bytes(self, path_in_bag: str, data: bytes, category: str, fmt: str) -> str:
        """Add in-memory content (case records JSON, notes) to the payload."""
        self._claim(path_in_bag)
        self._known += len(data)
        digest, written = self._write_entry(
            path_in_bag,
            [data],
            compress=not _already_compressed(path_in_bag, fmt),
            size_hint=len(data),
            count_progress=True,
        )
        self._record(path_in_bag, digest, written, category, fmt)
        return digest

    def add_events(
        self,
        events: Iterable[Mapping[str, Any]],
        proofs: Iterable[EventProof | tuple[int, Sequence[bytes]]],
        checkpoint_text: str,
    ) -> int:
        """Write the events, their proofs and the checkpoint; returns the event count.

        ``events`` and ``proofs`` are consumed in step (both may be lazy database
        iterators); proof ``i`` belongs to event ``i`` and must lead to the
        checkpoint's root. Proofs are not checked here: run the verifier on the
        finished package for that.
        """
        if self._tree_size is not None:
            raise PackageError("add_events may be called once per package")
        checkpoint = parse_checkpoint(checkpoint_text)
        tree_size = checkpoint.tree_size
        self._tree_size = tree_size
        self._checkpoint_origin = checkpoint.origin
        for path in (EVENTS, PROOFS, CHECKPOINT):
            self._claim(path, reserved_ok=True)

        count = 0
        # Two ZIP entries cannot be open for writing at once: stream the events into the
        # ZIP and park the proof lines in a spooled temporary file meanwhile.
        with tempfile.SpooledTemporaryFile(max_size=64 << 20) as spool:

            def event_lines() -> Iterator[bytes]:
                nonlocal count
                proof_iter = iter(proofs)
                batch: list[bytes] = []
                for event in events:
                    try:
                        leaf_index, path = next(proof_iter)
                    except StopIteration:
                        raise PackageError(
                            f"no proof for event {count} (id {event.get('id')})"
                        ) from None
                    if not 0 <= leaf_index < tree_size:
                        raise PackageError(
                            f"event id {event.get('id')}: leaf index {leaf_index} is outside "
                            f"the checkpoint's tree of size {tree_size}"
                        )
                    line = canonical_bytes(event)
                    spool.write(_proof_line(event["id"], leaf_index, tree_size, path))
                    count += 1
                    batch.append(line)
                    batch.append(b"\n")
                    if len(batch) >= 512:
                        yield b"".join(batch)
                        batch.clear()
                if batch:
                    yield b"".join(batch)
                if next(proof_iter, None) is not None:
                    raise PackageError(f"more proofs than events ({count} events)")

            digest, written = self._write_entry(
                EVENTS, event_lines(), compress=True, count_progress=True
            )
            self._record(EVENTS, digest, written, "audit events", "application/jsonl")
            spool.seek(0)
            digest, written = self._write_entry(
                PROOFS, _read_chunks(spool), compress=True, count_progress=True
            )
            self._record(PROOFS, digest, written, "inclusion proofs", "application/jsonl")

        data = checkpoint_text.encode("utf-8")
        digest, written = self._write_entry(CHECKPOINT, [data], compress=True, size_hint=len(data))
        self._record(CHECKPOINT, digest, written, "signed checkpoint", "text/plain")
        self._event_count = count
        return count

    # -- finishing -------------------------------------------------------------------

    def close(self) -> None:
        """Write the evidence list, bag-info, the manifests and the signature; publish."""
        if self._closed:
            return
        if self._tree_size is None:
            self.abort()
            raise PackageError("an export package needs its audit events: call add_events")
        try:
            self._write_evidence_list()
            self._write_tag_files()
        except BaseException:
            self.abort()
            raise
        self._zip.close()
        self._closed = True
        os.replace(self._partial, self._output)

    def abort(self) -> None:
        """Discard the partial package."""
        if self._closed:
            return
        self._closed = True
        try:
            self._zip.close()
        finally:
            self._partial.unlink(missing_ok=True)

    # -- internals -------------------------------------------------------------------

    def _claim(self, path: str, *, reserved_ok: bool = False) -> None:
        if self._closed:
            raise PackageError("the package is already closed")
        _check_payload_path(path)
        if path in RESERVED_PAYLOAD and not reserved_ok:
            raise PackageError(f"{path!r} is written by the package writer itself")
        folded = path.casefold()
        if folded in self._seen:
            raise PackageError(f"{path!r} is already in the package")
        self._seen.add(folded)

    def _record(self, path: str, digest: str, size: int, category: str, fmt: str) -> None:
        self._manifest.append((digest, path))
        self._payload_octets += size
        self._evidence.append(EvidenceItem(path, category, fmt, size, digest))

    def _write_entry(
        self,
        path: str,
        chunks: Iterable[bytes | memoryview],
        *,
        compress: bool,
        size_hint: int | None = None,
        count_progress: bool = False,
    ) -> tuple[str, int]:
        """Stream ``chunks`` into the ZIP entry ``<bag>/<path>``; returns (sha256, size)."""
        info = zipfile.ZipInfo(f"{self._bag}/{path}", date_time=self._zip_time)
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        if compress:
            info.compress_type = zipfile.ZIP_DEFLATED
            # ZipInfo has no public per-entry level in Python 3.11; ZipFile.write()
            # itself sets this attribute the same way.
            info._compresslevel = _DEFLATE_LEVEL  # type: ignore[attr-defined]
        else:
            info.compress_type = zipfile.ZIP_STORED
        if size_hint is not None:
            info.file_size = size_hint  # lets zipfile decide on ZIP64 before writing
        hasher = sha256()
        update = hasher.update
        size = 0
        progress = self._progress if count_progress else None
        with self._zip.open(info, "w", force_zip64=size_hint is None) as entry:
            write = entry.write
            for chunk in chunks:
                update(chunk)
                write(chunk)
                n = len(chunk)
                size += n
                if progress is not None:
                    self._done += n
                    if size_hint is None:
                        self._known += n
                    progress(self._done, max(self._expected, self._known))
        return hasher.hexdigest(), size

    def _write_evidence_list(self) -> None:
        items = list(self._evidence)
        out = io.StringIO()
        # BOM and CRLF: the spreadsheet programs investigators open CSV files with need
        # the BOM to read UTF-8, and RFC 4180 asks for CRLF.
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["path", "category", "format", "size", "sha256"])
        for item in items:
            writer.writerow([item.path, item.category, item.format, item.size, item.sha256])
        csv_bytes = out.getvalue().encode("utf-8")
        html_bytes = self._evidence_html(items).encode("utf-8")
        self._claim(EVIDENCE_CSV, reserved_ok=True)
        self._claim(EVIDENCE_HTML, reserved_ok=True)
        for path, data in ((EVIDENCE_CSV, csv_bytes), (EVIDENCE_HTML, html_bytes)):
            digest, size = self._write_entry(path, [data], compress=True, size_hint=len(data))
            self._manifest.append((digest, path))
            self._payload_octets += size

    def _evidence_html(self, items: list[EvidenceItem]) -> str:
        esc = html.escape
        info_rows = "".join(
            f"<tr><th>{esc(label)}</th><td>{esc(value)}</td></tr>"
            for label, value in self._bag_info
        )
        rows = "".join(
            f"<tr><td>{n}</td><td><code>{esc(i.path)}</code></td><td>{esc(i.category)}</td>"
            f"<td>{esc(i.format)}</td><td class=num>{i.size:,}</td>"
            f"<td><code>{i.sha256}</code></td></tr>"
            for n, i in enumerate(items, 1)
        )
        return (
            "<!doctype html>\n<html lang=en><head><meta charset=utf-8>"
            f"<title>Evidence list {esc(self._bag)}</title><style>"
            "body{font:14px/1.4 system-ui,sans-serif;margin:2em}"
            "table{border-collapse:collapse;margin-bottom:1.5em}"
            "th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}"
            "code{font-size:12px;word-break:break-all}.num{text-align:right}"
            "</style></head><body>\n"
            f"<h1>Evidence list: {esc(self._bag)}</h1>\n"
            f"<table>{info_rows}<tr><th>Exported at</th><td>{format_timestamp(self._created)}</td></tr>"
            f"<tr><th>Audit events</th><td>{self._event_count}</td></tr>"
            f"<tr><th>Checkpoint</th><td>{esc(self._checkpoint_origin)}, tree size {self._tree_size}</td></tr>"
            "</table>\n<table><thead><tr><th>#</th><th>File</th><th>Category</th><th>Format</th>"
            f"<th>Bytes</th><th>SHA-256</th></tr></thead><tbody>{rows}</tbody></table>\n"
            "<p>Each file's SHA-256 is also in manifest-sha256.txt, which is covered by the "
            "signed tag manifest. See the verification instructions delivered with this "
            "package.</p>\n</body></html>\n"
        )

    def _write_tag_files(self) -> None:
        info = list(self._bag_info)
        info += [
            ("Bagging-Date", self._created.date().isoformat()),
            ("Payload-Oxum", f"{self._payload_octets}.{len(self._manifest)}"),
            ("Event-Count", str(self._event_count)),
            ("Checkpoint-Origin", self._checkpoint_origin),
            ("Checkpoint-Tree-Size", str(self._tree_size)),
            ("Signing-Key", verifier_key_string(self._key_name, self._key.public_key())),
        ]
        bag_info = "".join(f"{label}: {value}\n" for label, value in info).encode("utf-8")
        manifest = "".join(
            f"{digest}  {encode_manifest_path(path)}\n" for digest, path in self._manifest
        ).encode("utf-8")
        tag_lines = [f"{self._bagit_digest}  bagit.txt\n"]
        for name, data in ((BAG_INFO, bag_info), (MANIFEST, manifest)):
            digest, _ = self._write_entry(name, [data], compress=True, size_hint=len(data))
            tag_lines.append(f"{digest}  {name}\n")
        tag_manifest = "".join(tag_lines).encode("utf-8")
        self._write_entry(TAG_MANIFEST, [tag_manifest], compress=True, size_hint=len(tag_manifest))
        signature = base64.b64encode(self._key.sign(tag_manifest)) + b"\n"
        self._write_entry(SIGNATURE, [signature], compress=False, size_hint=len(signature))


_PROOF_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def _read_chunks(source: IO[bytes]) -> Iterator[memoryview]:
    """Chunks of ``source`` in one reused buffer: no allocation per chunk.

    Each chunk is only valid until the next one is requested; the writer hashes and
    writes it before asking again.
    """
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    readinto = source.readinto
    while True:
        n = readinto(buffer)
        if not n:
            return
        yield view[:n]
