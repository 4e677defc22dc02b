"""Scheduling and cancelling timers. The sweep that fires them lives in ``deadlines.sweep``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models

from deadlines.models import Timer


def _target(target: models.Model | tuple[str, int]) -> tuple[str, int]:
    if isinstance(target, models.Model):
        return target._meta.model_name, int(target.pk)
    return target[0], int(target[1])


def schedule(kind: str, target: models.Model | tuple[str, int], due_at: datetime, payload: dict[str, Any] | None = None) -> Timer:
    """Schedule one timer. Call inside the transaction that creates the reason for it."""
    target_type, target_id = _target(target)
    timer, created = Timer.objects.get_or_create(
        kind=kind, target_type=target_type, target_id=target_id, due_at=due_at,
        defaults={"payload": payload or {}},
    )
    if not created and timer.state == Timer.State.CANCELLED:
        # Scheduling again what was cancelled (a clock paused and resumed to the same
        # instant) means it must fire after all; a timer that already fired stays fired.
        timer.state = Timer.State.PENDING
        timer.payload = payload or {}
        timer.save(update_fields=["state", "payload"])
    return timer


def schedule_many(rows: list[Timer]) -> list[Timer]:
    """Schedule several new timers in one statement (e.g. a notice's reminders and breach)."""
    return Timer.objects.bulk_create(rows)


def cancel(kind: str | None, target: models.Model | tuple[str, int]) -> int:
    """Cancel the pending timers of ``kind`` (or of every kind) on a target."""
    target_type, target_id = _target(target)
    pending = Timer.objects.filter(target_type=target_type, target_id=target_id, state=Timer.State.PENDING)
    if kind is not None:
        pending = pending.filter(kind=kind)
    return pending.update(state=Timer.State.CANCELLED)
