"""Audit events of the timer engine."""

from __future__ import annotations

from audit.events import EventType
from audit.models import AuditEvent

TIMER_RETRIED = EventType("deadline.timer_retried")


def timer_retried(*, actor: str, timer) -> AuditEvent:
    return TIMER_RETRIED.record(
        actor=actor,
        target=("timer", timer.pk),
        details={"kind": timer.kind, "target": f"{timer.target_type}:{timer.target_id}", "last_error": timer.last_error},
    )
