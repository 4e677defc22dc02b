"""Scheduling timers. The sweep that fires them lives in ``deadlines.sweep``."""

from __future__ import annotations

from complaints.models import Complaint
from deadlines.arithmetic import reminder_times
from deadlines.models import Timer

RESPONSE_REMINDER = "response_reminder"
RESPONSE_BREACH = "response_breach"


def start_response_clock(complaint: Complaint) -> None:
    """Schedule a valid notice's reminders and its breach. Call inside its transaction."""
    due = complaint.response_due_at
    rows = [
        Timer(
            kind=RESPONSE_REMINDER,
            target_type="complaint",
            target_id=complaint.pk,
            due_at=at,
            payload={"fraction": f},
        )
        for f, at in reminder_times(complaint.valid_at, due, complaint.policy.reminder_fractions)
    ]
    rows.append(Timer(kind=RESPONSE_BREACH, target_type="complaint", target_id=complaint.pk, due_at=due))
    Timer.objects.bulk_create(rows)
