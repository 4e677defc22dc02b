"""Audit events of the host-platform adapter."""

from __future__ import annotations

from audit import actors
from audit.events import EventType
from audit.models import AuditEvent

DELIVERED = EventType("webhook.delivered")
FAILED = EventType("webhook.failed")
ESCALATED = EventType("webhook.escalated")
RETRIED = EventType("webhook.retried")
DEMO_RECEIVED = EventType("demo_platform.received")

_ENDINGS = {"delivered": DELIVERED, "failed": FAILED, "escalated": ESCALATED}


def delivery_ended(*, delivery, outcome: str, status: int | None, error: str) -> AuditEvent:
    """A delivery is over: the platform took it, refused it for good, or never answered."""
    details = {"event": delivery.event, "idempotency_key": delivery.idempotency_key, "attempts": delivery.attempts}
    if status is not None:
        details["status"] = status
    details["error"] = (error or "")[:200]
    return _ENDINGS[outcome].record(actor=actors.SYSTEM, target=delivery, details=details)


def delivery_retried(*, actor: str, delivery) -> AuditEvent:
    return RETRIED.record(actor=actor, target=delivery, details={"event": delivery.event})


def demo_received(*, action, event: str, key: str, repeat: bool) -> AuditEvent:
    return DEMO_RECEIVED.record(actor=actors.platform("demo"), target=action,
                                details={"event": event, "idempotency_key": key, "repeat": repeat})


PLATFORM_CREATED = EventType("platform.created")
PLATFORM_CHANGED = EventType("platform.changed")
PLATFORM_SECRET_ADDED = EventType("platform.secret_added")
PLATFORM_SECRETS_RETIRED = EventType("platform.secrets_retired")


def platform_created(*, actor: str, platform) -> AuditEvent:
    return PLATFORM_CREATED.record(actor=actor, target=platform, details={
        "slug": platform.slug, "domains": list(platform.domains), "prefixes": list(platform.content_id_prefixes)})


def platform_changed(*, actor: str, platform, fields: list[str]) -> AuditEvent:
    return PLATFORM_CHANGED.record(actor=actor, target=platform, details={"slug": platform.slug, "fields": fields})


def platform_secret_added(*, actor: str, platform, secret_id: int) -> AuditEvent:
    # The secret itself never enters the log.
    return PLATFORM_SECRET_ADDED.record(actor=actor, target=platform, details={"slug": platform.slug,
                                                                                "secret_id": secret_id})


def platform_secrets_retired(*, actor: str, platform, count: int) -> AuditEvent:
    return PLATFORM_SECRETS_RETIRED.record(actor=actor, target=platform, details={"slug": platform.slug,
                                                                                   "retired": count})
