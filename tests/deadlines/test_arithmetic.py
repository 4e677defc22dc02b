"""Pure pieces: due-date arithmetic, percentiles, chart rendering. No database."""

from datetime import UTC, datetime, timedelta

import pytest

from complaints.triage import response_due_at
from deadlines.arithmetic import percentile, reminder_times, time_left_band
from deadlines.charts import Bar, bar_chart

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_response_due_counts_policy_hours_from_validity():
    assert response_due_at(T0, "P0", {"P0": 24, "P1": 72, "P2": 168}) == T0 + timedelta(hours=24)


def test_reminders_fall_at_their_fractions_in_order_and_ignore_bad_fractions():
    due = T0 + timedelta(hours=10)
    assert reminder_times(T0, due, [0.8, 0.5, 0.5, 1.0, 0]) == [
        (0.5, T0 + timedelta(hours=5)),
        (0.8, T0 + timedelta(hours=8)),
    ]


def test_percentile_interpolates_like_postgres_percentile_cont():
    # Reference values: SELECT percentile_cont(q) WITHIN GROUP (ORDER BY v) FROM (VALUES (1),(2),(3),(4),(10)) t(v)
    values = [10, 1, 3, 2, 4]
    assert percentile(values, 0.5) == 3
    assert percentile(values, 0.9) == pytest.approx(7.6)
    assert percentile(values, 0) == 1
    assert percentile(values, 1) == 10
    assert percentile([], 0.5) is None
    with pytest.raises(ValueError):
        percentile(values, 1.5)


def test_time_left_bands_put_past_deadlines_in_overdue():
    assert time_left_band(T0 - timedelta(seconds=1), T0) == "overdue"
    assert time_left_band(T0 + timedelta(hours=3), T0) == "lt_4h"
    assert time_left_band(T0 + timedelta(hours=5), T0) == "lt_24h"
    assert time_left_band(T0 + timedelta(hours=30), T0) == "lt_3d"
    assert time_left_band(T0 + timedelta(days=5), T0) == "later"


def test_bar_chart_writes_numbers_and_escapes_labels():
    svg = str(bar_chart([Bar("<b>x</b>", 3, "alert"), Bar("none", 0)], title="Open & due"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "&lt;b&gt;x&lt;/b&gt;" in svg and "<b>" not in svg
    assert "Open &amp; due" in svg
    assert 'class="bar bar-alert"' in svg
    assert 'width="0"' in svg  # a zero bar is drawn empty, not as a sliver
