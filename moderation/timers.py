"""Timer handlers of the moderation app (imported by the app's ready()).

Each runs inside the sweep's transaction with the timer row locked, re-reads its
target under lock and does nothing if the target moved on (idempotent).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from deadlines.models import Timer
from deadlines.registry import timer_handler
from moderation import services


def _now(timer: Timer) -> datetime:
    """The sweep fires a timer only once it is due: never judge it earlier than its due time."""
    return max(timezone.now(), timer.due_at)


@timer_handler(services.CLAIM_EXPIRY)
def claim_expiry(timer: Timer) -> str:
    return services.claim_expire(timer.target_id, now=_now(timer))


@timer_handler(services.COUNTER_NOTICE_WAIT)
def counter_notice_wait(timer: Timer) -> str:
    return services.counter_notice_wait_ended(timer.target_id, now=_now(timer))


@timer_handler(services.MEASURE_END)
def measure_end(timer: Timer) -> str:
    return services.measure_end(timer.target_id, now=_now(timer))


@timer_handler(services.MISUSE_SUSPENSION_END)
def misuse_suspension_end(timer: Timer) -> str:
    return services.misuse_suspension_end(timer.target_id, now=_now(timer))
