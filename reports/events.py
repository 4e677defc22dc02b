"""Audit events of the reports app: one factory per event type."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from audit import actors
from audit.events import EventType
from audit.models import AuditEvent

ASSESSMENT_CHANGED = EventType("assessment.changed")
ASSESSMENT_STAFF_FACTS = EventType("assessment.staff_facts_set")
REFERRAL_PROPOSED = EventType("referral.proposed")
REFERRAL_SENT = EventType("referral.sent")
REFERRAL_ACKNOWLEDGED = EventType("referral.acknowledged")
REFERRAL_CLOSED = EventType("referral.closed")
REFERRAL_DECLINED = EventType("referral.declined")
EVIDENCE_PACK_DOWNLOADED = EventType("evidence_pack.downloaded", public_label=_("Evidence pack downloaded"))


def assessment_changed(*, actor: str, subject: tuple[str, int], result) -> AuditEvent:
    return ASSESSMENT_CHANGED.record(
        actor=actor, target=subject,
        details={"level": result.level, "percent": result.percent, "flags": list(result.flags)},
    )


def assessment_staff_facts(*, actor: str, subject: tuple[str, int], facts: dict[str, Any]) -> AuditEvent:
    return ASSESSMENT_STAFF_FACTS.record(actor=actor, target=subject, details=facts)


def referral_proposed(*, actor: str, referral) -> None:
    REFERRAL_PROPOSED.record(
        actor=actor, target=referral,
        details={"authority": referral.authority, "subject_type": referral.subject_type,
                 "subject_id": referral.subject_id, "automatic": referral.automatic, "reason": referral.reason},
    )
    if referral.complaint_id:
        REFERRAL_PROPOSED.record(
            actor=actor, target=("complaint", referral.complaint_id),
            details={"referral_id": referral.pk, "authority": referral.authority, "automatic": referral.automatic},
        )


def referral_moved(*, actor: str, referral, event: EventType, details: dict[str, Any]) -> None:
    """A referral moved on (sent, acknowledged, closed, declined); the case's log says so too."""
    event.record(actor=actor, target=referral, details=details)
    if referral.complaint_id:
        event.record(actor=actor, target=("complaint", referral.complaint_id),
                     details={"referral_id": referral.pk, "authority": referral.authority})


def evidence_pack_downloaded(*, complaint, language: str, digest: str, pdf: bool) -> AuditEvent:
    return EVIDENCE_PACK_DOWNLOADED.record(
        actor=actors.COMPLAINANT, target=complaint,
        details={"language": language, "content_sha256": digest, "format": "pdf" if pdf else "html"},
    )
