"""Due-date arithmetic. Pure: no database, no clock of its own (callers pass times)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime


def reminder_times(
    start: datetime, due: datetime, fractions: Iterable[float]
) -> list[tuple[float, datetime]]:
    """(fraction, instant) of each reminder between start and due, in time order."""
    span = due - start
    return [(f, start + span * f) for f in sorted(set(fractions)) if 0 < f < 1]


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0..1) by linear interpolation between closest ranks.

    The same definition as PostgreSQL's ``percentile_cont``, so figures computed here
    and in SQL agree. None for no values.
    """
    ordered = sorted(values)
    if not ordered:
        return None
    if not 0 <= q <= 1:
        raise ValueError("q must be between 0 and 1")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# Bands of time left before a deadline, in hours, for the deadline board: (upper bound, key).
TIME_LEFT_BANDS: tuple[tuple[float, str], ...] = ((0, "overdue"), (4, "lt_4h"), (24, "lt_24h"), (72, "lt_3d"))


def time_left_band(due: datetime, now: datetime) -> str:
    hours = (due - now).total_seconds() / 3600
    for bound, key in TIME_LEFT_BANDS:
        if hours < bound:
            return key
    return "later"
