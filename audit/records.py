"""The record of a case as preserved, hashed for holds and written into exports.

One function builds the JSON of a complaint with its items, evidence and messages,
so a hold's manifest and an export describe the same record in the same words.
These records hold personal data: they leave the platform only inside an export
made under a live legal request.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db.models import Q

from audit.canonical import event_leaf_hash, format_timestamp
from audit.models import AuditEvent
from complaints.models import Complaint


def _ts(value) -> str | None:
    return format_timestamp(value) if value is not None else None


def stable_json(value: Any) -> bytes:
    """Sorted keys, no whitespace: the same value always gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def complaint_record(complaint: Complaint) -> dict[str, Any]:
    """The complaint itself (with the complainant's details, for investigators)."""
    return {
        "reference": complaint.reference,
        "id": complaint.pk,
        "status": complaint.status,
        "channel": complaint.channel,
        "source": complaint.source,
        "relationship": complaint.relationship,
        "complainant": {
            "name": complaint.complainant_name,
            "email": complaint.complainant_email,
            "phone": complaint.complainant_phone,
            "id_number": complaint.complainant_id_number,
            "anonymous": complaint.is_anonymous,
        },
        "victim_name": complaint.victim_name,
        "victim_is_minor": complaint.victim_is_minor,
        "disclosed_info": complaint.disclosed_info,
        "harms": complaint.harms,
        "explanation": complaint.explanation,
        "evidence_excerpt": complaint.evidence_excerpt,
        "good_faith_declaration": complaint.good_faith_declaration,
        "language": complaint.language,
        "timezone": complaint.timezone,
        "priority": complaint.priority,
        "threat_to_life": complaint.threat_to_life,
        "policy_version": complaint.policy.version if complaint.policy_id else None,
        "received_at": _ts(complaint.received_at),
        "valid_at": _ts(complaint.valid_at),
        "response_due_at": _ts(complaint.response_due_at),
    }


def item_records(complaint: Complaint) -> list[dict[str, Any]]:
    return [
        {"position": item.position, "url": item.url, "note": item.note}
        for item in complaint.items.order_by("position")
    ]


def evidence_records(complaint: Complaint) -> list[dict[str, Any]]:
    return [
        {
            "id": ev.pk,
            "original_name": ev.original_name,
            "content_type": ev.content_type,
            "size": ev.size,
            "sha256": ev.sha256,
            "received_at": _ts(ev.received_at),
            "file_present": bool(ev.original),
        }
        for ev in complaint.evidence.order_by("pk")
    ]


def message_records(complaint: Complaint) -> list[dict[str, Any]]:
    return [
        {"id": m.pk, "author": m.author, "body": m.body, "created_at": _ts(m.created_at)}
        for m in complaint.messages.order_by("pk")
    ]


_EVENT_SCOPES: list[Callable[[list[int]], Q]] = []


def register_case_event_scope(fn: Callable[[list[int]], Q]) -> None:
    """Let an app add its own events to a case's: ``fn(complaint_ids)`` returns a Q on
    AuditEvent (e.g. events whose target is one of the cases' decisions). Call from
    AppConfig.ready()."""
    _EVENT_SCOPES.append(fn)


def case_events(complaint_ids: list[int]):
    """Every audit event of the complaints (and of objects apps tie to them), in id order."""
    ids = [str(pk) for pk in complaint_ids]
    scope = Q(target_type="complaint", target_id__in=ids)
    for fn in _EVENT_SCOPES:
        scope |= fn(list(complaint_ids))
    return AuditEvent.objects.filter(scope).order_by("id")


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


def case_manifest(complaint: Complaint) -> dict[str, Any]:
    """SHA-256 of every record of one case as it is now (the hold's freeze)."""
    return {
        "reference": complaint.reference,
        "record_sha256": sha256_hex(stable_json(complaint_record(complaint))),
        "items_sha256": [sha256_hex(stable_json(i)) for i in item_records(complaint)],
        "messages_sha256": [sha256_hex(stable_json(m)) for m in message_records(complaint)],
        "evidence": [{"id": e["id"], "sha256": e["sha256"]} for e in evidence_records(complaint)],
        "events": [
            {"id": ev.pk, "leaf_hash": event_leaf_hash(event_dict(ev)).hex()}
            for ev in case_events([complaint.pk])
        ],
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
