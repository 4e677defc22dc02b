"""Trend detection end to end: signals counted, the task scores them, alerts raised."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from prevention import signals
from prevention.detection import LATENESS_SECONDS, WARM_UP_BUCKETS, detect_spikes
from prevention.models import Alert, DetectorCursor, TargetBaseline
from prevention.tasks import detect_spikes_task

pytestmark = pytest.mark.django_db

W = 10
T0 = 1_790_000_000 // W * W  # a fixed stream time


def _feed(bucket: int, per_target: dict[str, int]) -> None:
    signals.count_signals({(target, bucket, "share"): n for target, n in per_target.items() if n})


def _run_stream(minutes: int, rate_of, *, start=T0) -> list[tuple[int, Alert]]:
    """Feed ``minutes`` of buckets and run the detector after each, as beat would."""
    raised = []
    for i in range(minutes * 6):
        bucket = start + i * W
        _feed(bucket, rate_of(i))
        for alert in detect_spikes(now=bucket + W + LATENESS_SECONDS):
            raised.append((i, alert))
    return raised


def _steady(i: int) -> dict[str, int]:
    # Deterministic wobble around fixed levels.
    return {"topic:steady": 40 + (i * 7) % 9 - 4, "topic:quiet": 2 + i % 3, "user:123": 12 + (i * 5) % 5}


def test_a_steady_stream_raises_no_alert():
    assert _run_stream(30, _steady) == []
    assert TargetBaseline.objects.get(target="topic:steady").mean == pytest.approx(40, abs=3)


def test_a_planted_spike_is_alerted_within_sixty_seconds_with_words_and_chart():
    onset = WARM_UP_BUCKETS + 60

    def stream(i):
        counts = _steady(i)
        if i >= onset:
            counts["topic:quiet"] = 2 + 60 * min(i - onset + 1, 5)
        return counts

    raised = _run_stream(20, stream)
    assert len(raised) == 1
    i, alert = raised[0]
    assert (i - onset) * W <= 60
    assert alert.target == "topic:quiet" and alert.state == "open"
    assert alert.count >= 3 * alert.expected
    assert "topic:quiet" in alert.explanation and "times its usual" in alert.explanation
    counts = alert.series["counts"]
    assert len(counts) == 60 and counts[-1] == [alert.bucket, alert.count]
    event = AuditEvent.objects.get(code="alert.raised", target_id=str(alert.pk))
    assert event.details["target"] == "topic:quiet"


def test_a_sharp_rise_proposes_a_referral_to_the_cyberspace_administration():
    onset = WARM_UP_BUCKETS + 30

    def stream(i):
        counts = _steady(i)
        if i >= onset:
            counts["user:123"] = 900
        return counts

    ((_, alert),) = _run_stream(12, stream)
    alert.refresh_from_db()
    assert alert.severity == "sharp"
    assert alert.referral_proposed == "cac"
    from reports.models import Referral

    referral = Referral.objects.get(pk=alert.referral_id)
    assert referral.authority == "cac"


def test_a_cold_detector_learns_before_it_alerts():
    # Busy targets already running when the detector starts are not "new".
    raised = _run_stream(4, lambda i: {"topic:big": 500, "topic:mid": 80})
    assert raised == []
    cursor = DetectorCursor.objects.get()
    assert cursor.warm_from > T0


def test_the_task_scores_each_bucket_once():
    _run_stream(1, _steady)
    cursor = DetectorCursor.objects.get()
    before = cursor.last_bucket
    assert detect_spikes(now=before + W + LATENESS_SECONDS) == []
    assert DetectorCursor.objects.get().last_bucket == before
    assert detect_spikes_task.name == "prevention.detect_spikes"


def test_housekeeping_forgets_counts_and_baselines_past_retention(settings):
    settings.REDIS_URL = ""
    from prevention.detection import forget_old
    from prevention.models import SignalBucket

    now = T0 + 10 * 3600
    old, recent = now - signals.retention_seconds() - W, now - 60
    signals.count_signals({("t-old", old, "post"): 3, ("t-new", recent, "post"): 4})
    TargetBaseline.objects.create(target="t-old", mean=1, last_bucket=old)
    TargetBaseline.objects.create(target="t-new", mean=1, last_bucket=recent)
    forget_old(now=now)
    assert list(SignalBucket.objects.values_list("target", flat=True)) == ["t-new"]
    assert list(TargetBaseline.objects.values_list("target", flat=True)) == ["t-new"]
