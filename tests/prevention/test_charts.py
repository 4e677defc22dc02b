"""The alert chart and the alert's words: pure functions, no database."""

from __future__ import annotations

from prevention.charts import alert_chart
from prevention.detection import explain

T0 = 1_790_000_000


def test_the_chart_draws_every_bucket_with_its_count_and_marks_the_alert_bucket():
    counts = [[T0 + 10 * i, 5] for i in range(59)] + [[T0 + 590, 300]]
    svg = str(alert_chart(counts, expected=5.0, spread=2.0, bucket_seconds=10, title="Signals on <topic>"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('class="bar') == 60
    assert svg.count('class="bar bar-alert"') == 1
    assert ": 300</title>" in svg  # the tooltip of the alert's column
    assert "&lt;topic&gt;" in svg and "<topic>" not in svg  # the target key is escaped
    assert 'class="expected"' in svg and 'class="threshold"' in svg


def test_an_empty_series_still_renders_a_chart():
    svg = str(alert_chart([], expected=1.0, spread=1.0, bucket_seconds=10, title="t"))
    assert "<svg" in svg and 'class="bar' not in svg


def test_the_explanation_states_the_figures_in_words():
    text = explain("topic:x", T0, 10, 412, 15.2, 4.1, 48.3, {"share": 300, "post": 100, "report": 12})
    assert "rose to 412 signals in the 10 seconds" in text
    assert "(share 300, post 100, report 12)" in text
    assert "27.1 times its usual 15.2" in text
    assert "1 in 10^48" in text
