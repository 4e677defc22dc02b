"""Audit event types: one definition per kind of event.

Each app declares its event types in its own ``events.py`` and writes them only
through the factory functions beside them (``moderation.events.case_claimed(...)``),
so a code, who the actor is and the shape of its details are fixed in one place. A
type with a ``public_label`` is shown, in those words and without who acted, on the
complainant's tracking page; the others are for staff and investigators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from audit import actors
from audit.models import AuditEvent
from audit.services import audit_record, audit_record_alone, audit_record_many
from takedown.extensions import Registry

event_types = Registry(
    "audit.event_types",
    "EventType by code: every app's event types register themselves when their events module "
    "is imported (takedown.extensions.load imports them all).",
)

Target = models.Model | tuple[str, str | int]


@dataclass(frozen=True)
class EventType:
    code: str
    # Words the complainant sees on the tracking page (a lazy translation); None: staff only.
    public_label: Any = None

    def __post_init__(self) -> None:
        event_types.register(self.code)(self)

    def record(self, *, actor: str, target: Target, details: dict[str, Any] | None = None) -> AuditEvent:
        """Append the event. Call inside the transaction of the change it records."""
        return audit_record(actor=actor, code=self.code, target=target, details=details)

    def record_alone(self, *, actor: str, target: tuple[str, str | int], details: dict[str, Any] | None = None
                     ) -> AuditEvent:
        """Append the event where it is the only thing written (outside any transaction)."""
        return audit_record_alone(actor=actor, code=self.code, target=target, details=details)

    def record_many(self, *, actor: str, entries: list[tuple[Target, dict[str, Any]]]) -> list[AuditEvent]:
        """Append one event per ``(target, details)``, in one insert (a batch of subjects)."""
        return audit_record_many(actor=actor, code=self.code, entries=entries)


def public_labels() -> dict[str, Any]:
    """{code: label} of every event type the complainant may see."""
    return {t.code: t.public_label for t in event_types.receivers if t.public_label is not None}


LOG_VERIFIED = EventType("log.verified")


def log_verified(report) -> AuditEvent:
    """The nightly check of the whole log, on the record so a skipped or failed night shows."""
    return LOG_VERIFIED.record(
        actor=actors.SYSTEM,
        target=("auditlog", report.leaves),
        details={
            "ok": report.ok,
            "leaves": report.leaves,
            "checkpoints": report.checkpoints,
            "first_bad_index": report.first_bad_index,
            "problem": report.problems[0] if report.problems else "",
        },
    )
