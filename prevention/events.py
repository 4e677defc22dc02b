"""Audit events of the prevention app: one factory per event type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from audit import actors
from audit.events import EventType
from audit.models import AuditEvent

# Intervention.Kind.VICTIM_PROTECTION (models import this module's neighbours, not the reverse).
VICTIM_PROTECTION = "victim_protection"

ALERT_RAISED = EventType("alert.raised")
ALERT_STATE_CHANGED = EventType("alert.state_changed")
INTERVENTION_CREATED = EventType("intervention.created")
INTERVENTION_LIFTED = EventType("intervention.lifted")
INTERVENTION_EXPIRED = EventType("intervention.expired")
PROTECTION_ACTIVATED = EventType(
    "protection.activated",
    public_label=_("Protection turned on: strangers' messages, comments and reposts are restricted"),
)
PROTECTION_ENDED = EventType("protection.ended", public_label=_("Protection ended"))
SCREENING_FLAGGED = EventType("screening.flagged")
STAYDOWN_RECORDED = EventType("staydown.recorded")
STAYDOWN_RELEASED = EventType("staydown.released")


def alert_raised(*, alert, result, by_type: Mapping[str, int]) -> AuditEvent:
    return ALERT_RAISED.record(
        actor=actors.SYSTEM, target=alert,
        details={"target": alert.target, "severity": alert.severity, "bucket": alert.bucket, "count": result.count,
                 "expected": round(result.expected, 3), "score": round(min(result.score, 1e6), 2),
                 "by_type": dict(by_type)},
    )


def alert_state_changed(*, actor: str, alert, previous: str) -> AuditEvent:
    return ALERT_STATE_CHANGED.record(actor=actor, target=alert, details={"from": previous, "to": alert.state})


def intervention_created(*, actor: str, intervention) -> AuditEvent:
    return INTERVENTION_CREATED.record(
        actor=actor, target=intervention,
        details={"kind": intervention.kind, "target": intervention.target, "params": intervention.params,
                 "reason": intervention.reason, "expires_at": intervention.expires_at.isoformat(),
                 "alert": intervention.alert_id},
    )


def intervention_ended(*, actor: str, intervention, reason: str) -> AuditEvent:
    """An intervention lifted or expired; one-click protection ending is told to the victim."""
    details = {"intervention": intervention.pk, "kind": intervention.kind, "reason": reason[:500],
               "state": intervention.state}
    if intervention.kind == VICTIM_PROTECTION:
        return PROTECTION_ENDED.record(actor=actor, target=intervention.complaint, details=details)
    event = INTERVENTION_EXPIRED if intervention.state == "expired" else INTERVENTION_LIFTED
    return event.record(actor=actor, target=intervention, details=details)


def protection_activated(*, intervention, restrictions: Sequence[str], account_given: bool,
                         name_protected: bool) -> AuditEvent:
    return PROTECTION_ACTIVATED.record(
        actor=actors.COMPLAINANT, target=intervention.complaint,
        details={"intervention": intervention.pk, "restrictions": list(restrictions), "account_given": account_given,
                 "name_protected": name_protected, "expires_at": intervention.expires_at.isoformat()},
    )


def screening_flagged(*, actor: str, target: tuple[str, str], details: dict[str, Any]) -> AuditEvent:
    """A screened post was not allowed: what was found, never the text itself. The event is
    all a screening call writes: recorded on its own, outside any transaction."""
    return SCREENING_FLAGGED.record_alone(actor=actor, target=target, details=details)


def staydown_recorded(*, actor: str, complaint, decision, new_by_kind: Mapping[str, int], revived: int,
                      digests: Sequence[str]) -> AuditEvent:
    return STAYDOWN_RECORDED.record(
        actor=actor, target=complaint,
        details={"reference": complaint.reference, "decision_id": decision.pk, "measure": getattr(decision, "measure", ""),
                 "new_by_kind": dict(new_by_kind), "revived": revived, "digests": sorted(digests)},
    )


def staydown_released(*, actor: str, complaint, decision, released: int, reason: str) -> AuditEvent:
    return STAYDOWN_RELEASED.record(
        actor=actor, target=complaint,
        details={"reference": complaint.reference, "decision_id": decision.pk, "released": released,
                 "reason": reason[:500]},
    )
