"""Demo data of the prevention app: a platform token, a trending target with an alert."""

from __future__ import annotations

import time

from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token

from prevention import detection, signals
from prevention.models import Alert
from takedown import roles

DEMO_PLATFORM_USER = "demo-host-platform"
DEMO_TARGET = "topic:demo-trending"


def _demo_platform_token() -> str:
    user, _ = User.objects.get_or_create(username=DEMO_PLATFORM_USER, defaults={"is_active": True})
    group, _ = Group.objects.get_or_create(name=roles.PLATFORM)
    user.groups.add(group)
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def _demo_alert() -> Alert:
    """A quiet hour then a burst on one target, scored by the real detector."""
    existing = Alert.objects.filter(target=DEMO_TARGET).first()
    if existing is not None:
        return existing
    width = signals.bucket_seconds()
    now = int(time.time()) // width * width
    start = now - 120 * width
    counts: dict[tuple[str, int, str], int] = {}
    for i in range(120):
        bucket = start + i * width
        counts[(DEMO_TARGET, bucket, "post")] = 3 + (i * 7) % 4
        counts[("topic:demo-steady", bucket, "share")] = 20 + (i * 5) % 6
    for i, extra in enumerate((60, 240, 600)):
        bucket = now - (3 - i) * width
        counts[(DEMO_TARGET, bucket, "share")] = extra
        counts[(DEMO_TARGET, bucket, "search")] = extra // 3
    signals.count_signals(counts)
    # Learn the quiet hour, then score the burst as if live.
    alerts = detection.detect_spikes(now=now + width + detection.LATENESS_SECONDS)
    return next((a for a in alerts if a.target == DEMO_TARGET), None) or Alert.objects.filter(target=DEMO_TARGET).first()


def seed_demo_prevention() -> list[str]:
    key = _demo_platform_token()
    alert = _demo_alert()
    lines = [
        f"Host platform API token ({DEMO_PLATFORM_USER}): {key}",
        "  screen a post: curl -H 'Authorization: Token <token>' -H 'Content-Type: application/json' "
        "-d '{\"text\": \"call 13912345678\", \"context\": \"post\"}' http://127.0.0.1:8000/api/v1/screen/",
    ]
    if alert is not None:
        lines.append(f"Trend alert on {alert.target}: /staff/alerts/{alert.pk}/")
    return lines
