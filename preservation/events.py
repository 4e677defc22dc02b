"""Audit events of preservation: legal requests, holds, exports, retention."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from audit import actors
from audit.events import EventType
from audit.models import AuditEvent

LEGAL_REQUEST_REGISTERED = EventType("legal_request.registered")
CASE_COVERED = EventType("case.legal_request_covered")
LEGAL_REQUEST_REVOKED = EventType("legal_request.revoked")
CASE_RECORD_VIEWED = EventType("case.personal_data_viewed")
HOLD_PLACED = EventType("hold.placed")
CASE_HOLD_PLACED = EventType("case.hold_placed")
HOLD_RELEASED = EventType("hold.released")
CASE_HOLD_RELEASED = EventType("case.hold_released")
# Written outside the refused change's transaction (see preservation.holds).
CHANGE_REFUSED = EventType("hold.change_refused")
EXPORT_REQUESTED = EventType("export.requested")
CASE_EXPORTED = EventType("case.exported")
EXPORT_DOWNLOADED = EventType("export.downloaded")
EXPORT_FAILED = EventType("export.failed")
EXPORT_COMPLETED = EventType("export.completed")
EXPORT_DELETED = EventType("export.deleted")
PERSONAL_DATA_ERASED = EventType("case.personal_data_erased")


def legal_request_registered(*, actor: str, request, cases: Sequence, investigators: Sequence) -> None:
    # No victim name: the log outlives retention.
    LEGAL_REQUEST_REGISTERED.record(
        actor=actor,
        target=request,
        details={
            "authority": request.authority,
            "reference_number": request.reference_number,
            "cases": [c.reference for c in cases],
            "investigators": [f"user:{u.pk}" for u in investigators],
            "expires_at": request.expires_at.isoformat(),
        },
    )
    for complaint in cases:
        CASE_COVERED.record(actor=actor, target=complaint, details={"legal_request": request.pk})


def legal_request_revoked(*, actor: str, request) -> AuditEvent:
    return LEGAL_REQUEST_REVOKED.record(actor=actor, target=request, details={})


def case_record_viewed(*, actor: str, legal_request, complaint, channel: str) -> AuditEvent:
    return CASE_RECORD_VIEWED.record(
        actor=actor, target=complaint, details={"legal_request": legal_request.pk, "channel": channel}
    )


def hold_placed(*, actor: str, hold, cases: Sequence, digest: str, legal_request) -> None:
    HOLD_PLACED.record(
        actor=actor,
        target=hold,
        details={
            "cases": [c.reference for c in cases],
            "manifest_sha256": digest,
            "legal_request": legal_request.pk if legal_request else None,
        },
    )
    for complaint in cases:
        CASE_HOLD_PLACED.record(actor=actor, target=complaint, details={"hold": hold.pk, "manifest_sha256": digest})


def hold_released(*, actor: str, hold, cases: Sequence) -> None:
    HOLD_RELEASED.record(actor=actor, target=hold, details={"cases": [c.reference for c in cases]})
    for complaint in cases:
        CASE_HOLD_RELEASED.record(actor=actor, target=complaint, details={"hold": hold.pk})


def change_refused_row(*, actor: str, complaint_id: int, action: str, hold_ids: list[int],
                       object_type: str, object_id: str, at) -> dict[str, Any]:
    """The refusal as a row for ``audit.services.insert_event`` (it must survive a rollback)."""
    return {
        "created_at": at,
        "actor": actor,
        "code": CHANGE_REFUSED.code,
        "target_type": "complaint",
        "target_id": str(complaint_id),
        "details": {"action": str(action), "holds": hold_ids, "object_type": object_type, "object_id": object_id},
    }


def export_requested(*, actor: str, export, legal_request, cases: Sequence) -> None:
    EXPORT_REQUESTED.record(
        actor=actor, target=export,
        details={"legal_request": legal_request.pk, "cases": [c.reference for c in cases]},
    )
    for complaint in cases:
        CASE_EXPORTED.record(actor=actor, target=complaint, details={"export": export.pk})


def export_downloaded(*, actor: str, export) -> AuditEvent:
    return EXPORT_DOWNLOADED.record(actor=actor, target=export, details={"sha256": export.sha256})


def export_failed(*, export, error: Exception) -> AuditEvent:
    return EXPORT_FAILED.record(actor=actors.SYSTEM, target=export, details={"error": type(error).__name__})


def export_completed(*, export, sha256: str, events: int, tree_size: int) -> AuditEvent:
    return EXPORT_COMPLETED.record(
        actor=actors.SYSTEM, target=export, details={"sha256": sha256, "events": events, "tree_size": tree_size}
    )


def export_deleted(*, actor: str, export, reason: str) -> AuditEvent:
    """A package's file was deleted because its legal request was revoked or expired."""
    return EXPORT_DELETED.record(
        actor=actor, target=export,
        details={"legal_request": export.legal_request_id, "sha256": export.sha256, "reason": reason},
    )


def personal_data_erased(*, actor: str, complaint, counts: dict[str, int]) -> AuditEvent:
    return PERSONAL_DATA_ERASED.record(actor=actor, target=complaint, details=counts)
