"""Timer handlers of the audit app (run by the deadlines sweep, row locked)."""

from __future__ import annotations

from audit.preservation import RETENTION_EXPIRY, erase_personal_data, is_held
from audit.services import SYSTEM
from complaints.models import Complaint
from deadlines.models import Timer
from deadlines.registry import timer_handler


@timer_handler(RETENTION_EXPIRY)
def retention_expired(timer: Timer) -> str:
    complaint = Complaint.objects.select_for_update().filter(pk=timer.target_id).first()
    if complaint is None:
        return "skipped:gone"
    if complaint.status != Complaint.Status.CLOSED:
        # Reopened since: the next close schedules a new timer.
        return "skipped:open"
    if is_held(complaint):
        # Retention is extended while held; release_hold schedules a new timer.
        return "skipped:held"
    erase_personal_data(complaint, actor=SYSTEM)
    return "erased"
