"""Retention: a closed case's personal data is erased when its retention ends.

At least six months (Cybersecurity Law Art. 21) after the case closed, and never
while a legal hold is live: ``release_hold`` schedules the erasure again. Erasure
removes personal data everywhere it is kept (each app erases its own through
``complaints.hooks.erase_personal_data``) and keeps what the audit log and statistics
need, so the log still verifies.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import actors
from complaints.models import Complaint
from complaints.services import complaint_erase_personal_data
from deadlines import timers
from deadlines.models import Timer
from preservation import events
from preservation.selectors import is_held

RETENTION_EXPIRY = "retention_expiry"


def retention_period() -> timedelta:
    # Never less than six months, whatever the setting says.
    days = settings.AUDIT_RETENTION_DAYS
    return timedelta(days=max(days, 183))


def schedule_retention(complaint: Complaint, *, closed_at: datetime | None = None):
    """Schedule the removal of a closed case's personal data. Call in the closing
    transaction (idempotent: one pending timer per case)."""
    due = (closed_at or timezone.now()) + retention_period()
    pending = Timer.objects.filter(
        kind=RETENTION_EXPIRY, target_type="complaint", target_id=complaint.pk, state=Timer.State.PENDING
    )
    if pending.exists():
        pending.filter(due_at__lt=due).update(due_at=due)
        return pending.first()
    return timers.schedule(RETENTION_EXPIRY, complaint, due)


def schedule_missing_retention() -> int:
    """Give every closed case without a retention timer one (a safety net run nightly
    for cases closed by code that did not call ``schedule_retention``)."""
    scheduled = Timer.objects.filter(kind=RETENTION_EXPIRY, target_type="complaint").values("target_id")
    missing = Complaint.objects.filter(status=Complaint.Status.CLOSED).exclude(pk__in=scheduled)
    count = 0
    for complaint in missing.iterator(chunk_size=500):
        with transaction.atomic():
            schedule_retention(complaint, closed_at=complaint.updated_at)
            count += 1
    return count


def erase_personal_data(complaint: Complaint, *, actor: str) -> dict[str, int]:
    """Remove a case's personal data everywhere; keep what the log and statistics need.

    Call inside a transaction, holding the complaint's row lock. Refused while held.
    """
    counts = complaint_erase_personal_data(complaint=complaint, actor=actor)
    events.personal_data_erased(actor=actor, complaint=complaint, counts=counts)
    return counts


def retention_expired(timer: Timer) -> str:
    """Timer handler (``retention_expiry``): the case's retention period is over."""
    complaint = Complaint.objects.select_for_update().filter(pk=timer.target_id).first()
    if complaint is None:
        return "skipped:gone"
    if complaint.status != Complaint.Status.CLOSED:
        # Reopened since: the next close schedules a new timer.
        return "skipped:open"
    if is_held(complaint):
        # Retention is extended while held; release_hold schedules a new timer.
        return "skipped:held"
    erase_personal_data(complaint, actor=actors.SYSTEM)
    return "erased"
