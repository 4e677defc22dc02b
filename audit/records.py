"""Audit events as plain values: the dict an event is hashed from, and fast raw reads.

``event_dict`` is the event the canonical form is computed from; ``event_columns`` and
``event_from_row`` read events as raw rows for the sequencer and the nightly check.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from audit.models import AuditEvent


def stable_json(value: Any) -> bytes:
    """Sorted keys, no whitespace: the same value always gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def event_dict(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "created_at": event.created_at,
        "actor": event.actor,
        "code": event.code,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "details": event.details,
    }


_EVENT_COLUMNS = "e.id, e.created_at, e.actor, e.code, e.target_type, e.target_id, e.details"
# On PostgreSQL the database formats the timestamp exactly as the canonical form wants
# it and hands JSON over as text: parsing timestamptz and jsonb into Python objects
# costs more than the rest of a row.
_PG_EVENT_COLUMNS = (
    "e.id, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "e.actor, e.code, e.target_type, e.target_id, e.details::text"
)


def event_columns(vendor: str) -> str:
    """The select list of an event (table alias ``e``) for ``event_from_row``."""
    return _PG_EVENT_COLUMNS if vendor == "postgresql" else _EVENT_COLUMNS


def event_from_row(row: tuple | list) -> dict[str, Any]:
    """An event for ``canonical_bytes`` from a raw row of ``event_columns()``.

    Reading raw rows instead of model instances makes the sequencer and the nightly
    check several times faster; this undoes the backend's storage forms: JSON text
    and, on SQLite, the naive UTC timestamp text.
    """
    event_id, created_at, actor, code, target_type, target_id, details = row
    if isinstance(created_at, str):
        if not created_at.endswith("Z"):
            created_at = datetime.fromisoformat(created_at)
    if isinstance(created_at, datetime) and created_at.tzinfo is None:  # SQLite: UTC, no offset
        created_at = created_at.replace(tzinfo=UTC)
    if isinstance(details, str | bytes):
        details = json.loads(details)
    return {
        "id": event_id,
        "created_at": created_at,
        "actor": actor,
        "code": code,
        "target_type": target_type,
        "target_id": target_id,
        "details": details,
    }
