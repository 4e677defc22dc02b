"""What the deadline engine runs when a prevention timer is due."""

from __future__ import annotations

from django.utils import timezone

from deadlines.models import Timer
from deadlines.registry import timer_handler
from prevention.interventions import EXPIRY_TIMER, intervention_expire


@timer_handler(EXPIRY_TIMER)
def expire_intervention(timer: Timer) -> str:
    # Runs inside the sweep's transaction; intervention_expire re-reads and locks the
    # intervention and does nothing if it already ended or was extended. The timer is
    # due, so its due time has been reached even if this clock lags the sweep's.
    return intervention_expire(timer.target_id, now=max(timezone.now(), timer.due_at))
