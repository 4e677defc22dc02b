"""Canonical serialisation of an audit event: the bytes that become a Merkle leaf.

The form is documented in docs/AUDIT_FORMAT.md and must never change for events
already in the log: a different byte means a different leaf hash and a broken proof.

An event is exactly these fields::

    id           int >= 0
    created_at   "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC, always six fraction digits)
    actor        str
    code         str
    target_type  str
    target_id    str
    details      JSON object

encoded as UTF-8 JSON with keys sorted by code point at every depth, separators
``,`` and ``:``, no whitespace, non-ASCII characters written as themselves, no NaN or
Infinity, and a number with an integral value always written as an integer.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from audit.merkle import leaf_hash

FIELDS = frozenset({"id", "created_at", "actor", "code", "target_type", "target_id", "details"})
_STRING_FIELDS = ("actor", "code", "target_type", "target_id")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\Z")

# One encoder for every event: building it per call costs more than encoding a small
# event. With indent=None the C implementation is used.
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


class CanonicalError(ValueError):
    """The event cannot be serialised canonically; the message names the field."""


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 UTC with microseconds and ``Z``, e.g. ``2025-03-01T08:00:00.000000Z``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CanonicalError("created_at must be timezone-aware")
    u = moment.astimezone(UTC)
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d}T"
        f"{u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond:06d}Z"
    )


def _timestamp(value: Any) -> str:
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, str) and _TIMESTAMP.match(value):
        try:
            datetime.fromisoformat(value[:-1])  # rejects 2025-02-30 and 25:00
        except ValueError:
            raise CanonicalError(f"created_at {value!r} is not a valid date and time") from None
        return value
    raise CanonicalError(
        f"created_at must be an aware datetime or 'YYYY-MM-DDTHH:MM:SS.ffffffZ', got {value!r}"
    )


def _normalise(value: Any, path: str) -> Any:
    """A copy of ``value`` in which every number has its canonical type.

    Integral floats become ints so that a value keeps its bytes when it travels through
    a store that does not keep the distinction (PostgreSQL jsonb returns ``1e16`` as
    ``10000000000000000``). Anything JSON cannot carry unambiguously is refused here,
    because the encoder would silently turn non-string keys into strings.
    """
    if value is None or value is True or value is False or type(value) is str:
        return value
    if type(value) is int:
        return value
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise CanonicalError(f"{path}: object keys must be strings, got {key!r}")
            out[key] = _normalise(item, f"{path}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [_normalise(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if type(value) is float:
        if not math.isfinite(value):
            raise CanonicalError(f"{path}: NaN and Infinity are not JSON")
        if value.is_integer():
            return int(value)
        return value
    if isinstance(value, str):  # str subclasses (e.g. lazy translations made concrete)
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise CanonicalError(f"{path}: {type(value).__name__} is not a JSON value")


def canonical_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """The event as plain JSON values, checked field by field."""
    keys = set(event.keys())
    if keys != FIELDS:
        missing = sorted(FIELDS - keys)
        extra = sorted(str(k) for k in keys - FIELDS)
        raise CanonicalError(f"event fields differ: missing {missing}, unexpected {extra}")
    event_id = event["id"]
    if type(event_id) is not int or event_id < 0:
        raise CanonicalError(f"id must be a non-negative int, got {event_id!r}")
    out: dict[str, Any] = {"id": event_id, "created_at": _timestamp(event["created_at"])}
    for name in _STRING_FIELDS:
        value = event[name]
        if not isinstance(value, str):
            raise CanonicalError(f"{name} must be a string, got {type(value).__name__}")
        out[name] = str(value)
    details = event["details"]
    if not isinstance(details, Mapping):
        raise CanonicalError(f"details must be a JSON object, got {type(details).__name__}")
    out["details"] = _normalise(details, "details")
    return out


def canonical_bytes(event: Mapping[str, Any]) -> bytes:
    """The canonical UTF-8 JSON of one event (no trailing newline)."""
    try:
        return _ENCODER.encode(canonical_event(event)).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalError(f"event holds text that is not valid Unicode: {exc.reason}") from None
    except (TypeError, ValueError) as exc:
        if isinstance(exc, CanonicalError):
            raise
        raise CanonicalError(str(exc)) from None


def split_at_id(event: Mapping[str, Any]) -> tuple[str, str]:
    """The canonical text of an event whose id is not known yet, as ``(head, tail)``.

    ``head + str(id) + tail`` is the canonical text once the database has assigned the
    id: the writer hands both halves to the INSERT that draws the id, so the stored
    entry and the row's id are produced by one statement. ``event`` is checked as
    :func:`canonical_event` checks it (any ``id`` it holds is ignored).
    """
    _normalised, head, tail = canonical_parts(event)
    return head, tail


def canonical_parts(event: Mapping[str, Any]) -> tuple[dict[str, Any], str, str]:
    """``canonical_event`` of the event (id 0) and its text split at the id, from one pass."""
    normalised = canonical_event({**event, "id": 0})
    try:
        text = _ENCODER.encode(normalised)
        text.encode("utf-8")  # lone surrogates have no UTF-8 form: refuse them here
    except UnicodeEncodeError as exc:
        raise CanonicalError(f"event holds text that is not valid Unicode: {exc.reason}") from None
    except (TypeError, ValueError) as exc:
        raise CanonicalError(str(exc)) from None
    # "id" sorts after "details" and before the two target fields, whose values are
    # plain JSON strings: the tail is known exactly, so the split cannot land inside
    # the details object even when it holds keys of the same names.
    tail = (
        ',"target_id":' + _ENCODER.encode(normalised["target_id"])
        + ',"target_type":' + _ENCODER.encode(normalised["target_type"]) + "}"
    )
    marker = ',"id":0' + tail
    if not text.endswith(marker):  # pragma: no cover - the key order above is fixed
        raise CanonicalError("canonical form does not end with the id and target fields")
    return normalised, text[: -len(marker)] + ',"id":', tail


def event_leaf_hash(event: Mapping[str, Any]) -> bytes:
    """The Merkle leaf hash of one event: SHA-256(0x00 || canonical bytes)."""
    return leaf_hash(canonical_bytes(event))


def entry_leaf_hash(entry: str) -> bytes:
    """The leaf hash of a stored entry (the canonical text of an event)."""
    return leaf_hash(entry.encode("utf-8"))


def _reject_constant(name: str) -> Any:
    raise CanonicalError(f"{name} is not allowed")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise CanonicalError(f"duplicate key {key!r}")
            seen.add(key)
    return out


def parse_canonical(line: bytes) -> dict[str, Any]:
    """Parse one event line and insist it is already in canonical form.

    Used by the verifier: an event line that is not byte-for-byte canonical cannot be
    the line that was hashed into the log.
    """
    try:
        text = line.decode("utf-8")
        value = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise CanonicalError("not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise CanonicalError(f"not valid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(value, dict):
        raise CanonicalError("not a JSON object")
    if canonical_bytes(value) != line:
        raise CanonicalError("not in canonical form (key order, spacing or number format)")
    return value
