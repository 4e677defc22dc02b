"""Due-date arithmetic. Pure: no database, no clock of its own (callers pass times)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta


def response_due_at(valid_at: datetime, priority: str, hours_by_priority: Mapping[str, int]) -> datetime:
    """When a response is due: the clock starts when the notice became valid."""
    return valid_at + timedelta(hours=hours_by_priority[priority])


def reminder_times(
    start: datetime, due: datetime, fractions: Iterable[float]
) -> list[tuple[float, datetime]]:
    """(fraction, instant) of each reminder between start and due, in time order."""
    span = due - start
    return [(f, start + span * f) for f in sorted(set(fractions)) if 0 < f < 1]
