"""The record of a case as preserved, hashed for holds and written into exports.

One function builds the JSON of a complaint with its items, evidence and messages,
so a hold's manifest and an export describe the same record in the same words.
These records hold personal data: they leave the platform only inside an export
made under a live legal request.
"""

from __future__ import annotations

from typing import Any

from audit.canonical import event_leaf_hash, format_timestamp
from audit.models import AuditEvent
from audit.records import event_dict, sha256_hex, stable_json
from complaints.models import Complaint


def _ts(value) -> str | None:
    return format_timestamp(value) if value is not None else None


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


def case_events(complaint_ids: list[int]):
    """Every audit event of the complaints, in id order."""
    ids = [str(pk) for pk in complaint_ids]
    return AuditEvent.objects.filter(target_type="complaint", target_id__in=ids).order_by("id")


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
