"""The one writer of audit events."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from audit.canonical import CanonicalError, canonical_event
from audit.models import AuditEvent

SYSTEM = "system"
COMPLAINANT = "complainant"
ANONYMOUS = "anonymous"


def actor_for(user: Any) -> str:
    """The actor string for a request's user (anonymous visitors included)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    return f"user:{user.pk}"


def audit_record(
    *,
    actor: str,
    code: str,
    target: models.Model | tuple[str, str | int],
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the change it records.

    ``target`` is a model instance or a ``(type, id)`` pair. ``details`` must be JSON
    and must not hold complainants' contact data: the log outlives retention.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    if isinstance(target, models.Model):
        target_type, target_id = target._meta.model_name, str(target.pk)
    else:
        target_type, target_id = target[0], str(target[1])
    fields = {
        "created_at": timezone.now(),
        "actor": actor,
        "code": str(code),
        "target_type": target_type,
        "target_id": target_id,
        "details": details or {},
    }
    # Refuse now what the sequencer could not hash later (NaN, non-string keys, ...):
    # one unserialisable event would otherwise hold up the whole log.
    try:
        canonical_event({"id": 0, **fields})
    except CanonicalError as exc:
        raise ValueError(f"audit event {code!r} cannot be logged: {exc}") from None
    return AuditEvent.objects.create(**fields)
