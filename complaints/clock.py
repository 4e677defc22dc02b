"""Stopping and restarting a notice's response clock (SPEC section 3).

The clock starts when a notice becomes valid (``complaints.services`` calls ``start``):
its reminders and its breach are timers of the deadline engine, handled by
``complaints.response_timers``. While the
platform waits for the complainant (a moderator requested information) the clock is
stopped: ``pause`` cancels the pending reminders and breach and keeps how far ahead
each was; ``resume`` puts them back that far ahead of the moment the complainant
answered, and moves ``response_due_at`` by the time spent waiting. The deadline keeps
the policy version that set it: nothing here reads the current policy.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from audit import actors
from complaints import events
from complaints.models import ClockPause, Complaint
from deadlines import timers
from deadlines.arithmetic import reminder_times
from deadlines.models import Timer

RESPONSE_REMINDER = "response_reminder"
RESPONSE_BREACH = "response_breach"
RESPONSE_KINDS = (RESPONSE_REMINDER, RESPONSE_BREACH)


def _timers(complaint: Complaint) -> list[Timer]:
    due = complaint.response_due_at
    rows = [
        Timer(kind=RESPONSE_REMINDER, target_type="complaint", target_id=complaint.pk, due_at=at,
              payload={"fraction": f})
        for f, at in reminder_times(complaint.valid_at, due, complaint.policy.reminder_fractions)
    ]
    rows.append(Timer(kind=RESPONSE_BREACH, target_type="complaint", target_id=complaint.pk, due_at=due))
    return rows


def start(complaint: Complaint) -> None:
    """Schedule a valid notice's reminders and its breach. Call inside its transaction."""
    timers.schedule_many(_timers(complaint))


def start_many(complaints: list[Complaint]) -> None:
    """``start`` for several valid notices stored together: their timers in one statement."""
    rows = [row for complaint in complaints for row in _timers(complaint)]
    if rows:
        timers.schedule_many(rows)


def restart(complaint: Complaint) -> None:
    """The deadline moved earlier (a raised priority): cancel the pending timers and start again."""
    stop(complaint)
    start(complaint)


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("policy").get(pk=complaint.pk)


def open_pause(complaint: Complaint) -> ClockPause | None:
    return ClockPause.objects.filter(complaint_id=complaint.pk, resumed_at__isnull=True).first()


def pause(complaint: Complaint, *, now: datetime | None = None, actor: str = actors.SYSTEM) -> ClockPause | None:
    """Stop the response clock. Idempotent: a clock already stopped stays as it was.

    Called by the moderation service that moves a notice to ``waiting_complainant``,
    inside its transaction (the status change itself is the caller's). Returns the
    pause, or None when there was no running clock to stop.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(complaint)
        if locked.response_due_at is None or not locked.is_open:
            return None
        if open_pause(locked) is not None:
            return None
        pending = list(
            Timer.objects.select_for_update()
            .filter(
                target_type="complaint",
                target_id=locked.pk,
                kind__in=RESPONSE_KINDS,
                state=Timer.State.PENDING,
            )
            .order_by("due_at")
        )
        kept = [
            {"kind": t.kind, "offset_seconds": (t.due_at - now).total_seconds(), "payload": t.payload}
            for t in pending
        ]
        Timer.objects.filter(pk__in=[t.pk for t in pending]).update(state=Timer.State.CANCELLED)
        remaining = (locked.response_due_at - now).total_seconds()
        stopped = ClockPause.objects.create(
            complaint=locked,
            paused_at=now,
            due_at_pause=locked.response_due_at,
            remaining_seconds=remaining,
            pending_timers=kept,
        )
        events.paused(actor=actor, complaint=locked, remaining_seconds=remaining, timers_cancelled=len(pending))
    return stopped


def resume(
    complaint: Complaint, *, now: datetime | None = None, actor: str = actors.SYSTEM, only_if_waiting: bool = False
) -> Complaint:
    """Restart a stopped clock and put the notice back in review. Idempotent.

    New deadline = now + the time that was left at pause. Reminders and the breach that
    had not fired are scheduled again as far ahead as they were. Returns the (locked,
    refreshed) complaint; a notice whose clock is not stopped is returned unchanged, and
    so is one no longer waiting for the complainant when ``only_if_waiting``.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(complaint)
        if only_if_waiting and locked.status != Complaint.Status.WAITING_COMPLAINANT:
            return locked
        stopped = ClockPause.objects.select_for_update().filter(complaint=locked, resumed_at__isnull=True).first()
        if stopped is None:
            return locked
        new_due = now + timedelta(seconds=stopped.remaining_seconds)
        for kept in stopped.pending_timers:
            timers.schedule(
                kept["kind"], locked, now + timedelta(seconds=kept["offset_seconds"]), payload=kept.get("payload")
            )
        stopped.resumed_at = now
        stopped.due_at_resume = new_due
        stopped.save(update_fields=["resumed_at", "due_at_resume"])
        previous_status = locked.status
        locked.response_due_at = new_due
        fields = ["response_due_at", "updated_at"]
        if locked.status == Complaint.Status.WAITING_COMPLAINANT:
            locked.status = Complaint.Status.IN_REVIEW
            fields.append("status")
        locked.save(update_fields=fields)
        events.resumed(actor=actor, complaint=locked, pause=stopped, previous_status=previous_status,
                       waited_seconds=(now - stopped.paused_at).total_seconds())
    return locked


def resume_on_complainant_activity(complaint: Complaint) -> None:
    """The complainant answered (called by the services that record their activity).

    The status is judged on the locked row, not on the caller's copy, which may be stale.
    """
    if complaint.response_due_at is not None or complaint.status == Complaint.Status.WAITING_COMPLAINANT:
        resume(complaint, actor=actors.COMPLAINANT, only_if_waiting=True)


def stop(complaint: Complaint) -> int:
    """The notice was decided or closed: cancel its pending reminders and breach.

    Optional for correctness (the handlers re-check the status and skip a decided
    notice) but keeps the pending set, and so every sweep, small. Call inside the
    transaction of the decision. Returns how many timers were cancelled.
    """
    return Timer.objects.filter(
        target_type="complaint", target_id=complaint.pk, kind__in=RESPONSE_KINDS, state=Timer.State.PENDING
    ).update(state=Timer.State.CANCELLED)
