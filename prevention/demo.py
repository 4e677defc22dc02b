"""Demo data of the prevention app: a trending target with an alert, found by the real detector."""

from __future__ import annotations

import time

from django.conf import settings

from prevention import detection, signals
from prevention.models import Alert, DetectorCursor

DEMO_TARGET = "topic:demo-trending"


def _demo_alert() -> Alert | None:
    """Twenty-five quiet minutes then a burst on one target, scored by the real detector."""
    existing = Alert.objects.filter(target=DEMO_TARGET).first()
    if existing is not None:
        return existing
    if DetectorCursor.objects.exists():
        return None  # the live detector already runs: it will find real spikes itself
    width = signals.bucket_seconds()
    now = int(time.time()) // width * width
    start = now - 150 * width
    counts: dict[tuple[str, int, str], int] = {}
    for i in range(150):
        bucket = start + i * width
        counts[(DEMO_TARGET, bucket, "post")] = 3 + (i * 7) % 4
        counts[("topic:demo-steady", bucket, "share")] = 20 + (i * 5) % 6
    for i, extra in enumerate((60, 240, 600)):
        bucket = now - (2 - i) * width
        counts[(DEMO_TARGET, bucket, "share")] = extra
        counts[(DEMO_TARGET, bucket, "search")] = extra // 3
    signals.count_signals(counts)
    # As if the detector had been running: it learns the quiet part, then scores the burst.
    lateness = detection.LATENESS_SECONDS
    detection.detect_spikes(now=start + 100 * width + width + lateness)
    alerts = detection.detect_spikes(now=now + width + lateness)
    return next((a for a in alerts if a.target == DEMO_TARGET), None)


def seed_demo_prevention() -> list[str]:
    alert = _demo_alert()
    lines = [
        "prevention: screen a post with a host-platform token: curl -H 'Authorization: Token <token>' "
        "-H 'Content-Type: application/json' -d '{\"text\": \"call 13912345678\", \"context\": \"post\"}' "
        f"{settings.PUBLIC_BASE_URL}/api/v1/screen/",
    ]
    if alert is not None:
        lines.append(f"prevention: trend alert on {alert.target}: {settings.PUBLIC_BASE_URL}/staff/alerts/{alert.pk}/")
    return lines
