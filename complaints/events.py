"""Audit events of the complaint channel and of its response clock.

The codes of the clock's events keep their ``deadline.`` prefix: they were written by
the deadline engine before the clock moved here, and old logs must read the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from audit import actors
from audit.events import EventType
from audit.models import AuditEvent

SUBMITTED = EventType("complaint.submitted", public_label=_("Report received"))
BECAME_VALID = EventType("complaint.became_valid", public_label=_("Report complete: the response clock started"))
EVIDENCE_ADDED = EventType("complaint.evidence_added", public_label=_("Evidence added"))
DETAILS_ADDED = EventType("complaint.details_added", public_label=_("Details added"))
MESSAGE_ADDED = EventType("complaint.message_added", public_label=_("Message"))
PRIORITY_RAISED = EventType("complaint.priority_raised")
POLICY_PUBLISHED = EventType("policy.published")
REMINDED = EventType("deadline.reminded")
BREACHED = EventType("deadline.breached")
PAUSED = EventType("deadline.paused", public_label=_("Waiting for your reply: the response time is stopped"))
RESUMED = EventType("deadline.resumed", public_label=_("Reply received: the review continues"))
KEYS_ROTATED = EventType("security.field_keys_rotated")


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _submitted_details(complaint, channel: str, evidence_sha256: Sequence[str], items: int) -> dict:
    return {
        "reference": complaint.reference,
        "channel": channel,
        "source": complaint.source,
        "status": complaint.status,
        "missing": list(complaint.missing),
        "priority": complaint.priority,
        "priority_reasons": list(complaint.priority_reasons),
        "policy_version": complaint.policy.version,
        "response_due_at": _iso(complaint.response_due_at),
        "items": items,
        "evidence_sha256": list(evidence_sha256),
    }


def submitted(*, actor: str, complaint, channel: str, evidence_sha256: Sequence[str], items: int) -> AuditEvent:
    return SUBMITTED.record(actor=actor, target=complaint,
                            details=_submitted_details(complaint, channel, evidence_sha256, items))


def submitted_many(*, actor: str, complaints: Sequence[tuple[Any, int]], channel: str) -> list[AuditEvent]:
    """``submitted`` for notices stored together, without evidence files: (complaint, item count)."""
    return SUBMITTED.record_many(actor=actor, entries=[
        (complaint, _submitted_details(complaint, channel, (), items)) for complaint, items in complaints
    ])


def became_valid(*, actor: str, complaint) -> AuditEvent:
    return BECAME_VALID.record(
        actor=actor,
        target=complaint,
        details={
            "reference": complaint.reference,
            "response_due_at": complaint.response_due_at.isoformat(),
            "policy_version": complaint.policy.version,
        },
    )


def evidence_added(*, complaint, evidence_sha256: Sequence[str], excerpt_added: bool) -> AuditEvent:
    return EVIDENCE_ADDED.record(
        actor=actors.COMPLAINANT,
        target=complaint,
        details={"evidence_sha256": list(evidence_sha256), "excerpt_added": excerpt_added},
    )


def details_added(*, complaint, fields: Sequence[str]) -> AuditEvent:
    return DETAILS_ADDED.record(actor=actors.COMPLAINANT, target=complaint, details={"fields": list(fields)})


def message_added(*, complaint, message, staff_user=None) -> AuditEvent:
    actor = actors.for_user(staff_user) if staff_user is not None else actors.COMPLAINANT
    return MESSAGE_ADDED.record(
        actor=actor, target=complaint, details={"message_id": message.pk, "author": message.author}
    )


def priority_raised(*, actor: str, complaint, previous: str, reason: str) -> AuditEvent:
    return PRIORITY_RAISED.record(
        actor=actor,
        target=complaint,
        details={
            "from": previous,
            "to": complaint.priority,
            "reason": reason,
            "response_due_at": _iso(complaint.response_due_at),
        },
    )


def policy_published(*, actor: str, policy, values: dict[str, Any]) -> AuditEvent:
    return POLICY_PUBLISHED.record(actor=actor, target=policy, details={"version": policy.version, **values})


def reminded(*, complaint, fraction, to: str, recipients: Sequence[int]) -> AuditEvent:
    return REMINDED.record(
        actor=actors.SYSTEM,
        target=complaint,
        details={
            "reference": complaint.reference,
            "fraction": fraction,
            "due_at": complaint.response_due_at.isoformat(),
            "to": to,
            "recipients": list(recipients),
        },
    )


def breached(*, complaint, due_at, at) -> AuditEvent:
    return BREACHED.record(
        actor=actors.SYSTEM,
        target=complaint,
        details={
            "reference": complaint.reference,
            "due_at": due_at.isoformat(),
            "breached_at": at.isoformat(),
            "priority": complaint.priority,
            "policy_version": complaint.policy.version,
            "status": complaint.status,
        },
    )


def paused(*, actor: str, complaint, remaining_seconds: float, timers_cancelled: int) -> AuditEvent:
    return PAUSED.record(
        actor=actor,
        target=complaint,
        details={
            "reference": complaint.reference,
            "response_due_at": complaint.response_due_at.isoformat(),
            "remaining_seconds": round(remaining_seconds),
            "timers_cancelled": timers_cancelled,
        },
    )


def resumed(*, actor: str, complaint, pause, previous_status: str, waited_seconds: float) -> AuditEvent:
    return RESUMED.record(
        actor=actor,
        target=complaint,
        details={
            "reference": complaint.reference,
            "paused_at": pause.paused_at.isoformat(),
            "waited_seconds": round(waited_seconds),
            "previous_due_at": pause.due_at_pause.isoformat(),
            "response_due_at": complaint.response_due_at.isoformat(),
            "status": complaint.status,
            "previous_status": previous_status,
            "policy_version": complaint.policy.version,
        },
    )


def keys_rotated(*, key_id: str, rows: int) -> AuditEvent:
    return KEYS_ROTATED.record(
        actor=actors.SYSTEM, target=("encryption_key", key_id), details={"key_id": key_id, "rows": rows}
    )
