"""Trends across the group of platforms: the default platform and the platforms sharing
signals count one target together, so a target rising on two of them at once adds up and
alerts sooner; a platform that does not share counts apart (``<slug>/<target>``); an
intervention goes to every platform the target is known to, by its own key there; a
victim's protection to every platform the case has items on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from hostplatform import platforms
from hostplatform.models import Platform, WebhookDelivery
from prevention import signals
from prevention.detection import LATENESS_SECONDS, WARM_UP_BUCKETS, detect_spikes
from prevention.interventions import intervention_create, protection_activate
from prevention.models import DetectorCursor
from takedown import roles
from tests.factories import file_notice, make_user, token_client

pytestmark = pytest.mark.django_db

W = 10
T0 = 1_790_000_000 // W * W


@pytest.fixture
def group():
    platforms.platform_update(platform=Platform.objects.get(is_default=True), domains=["host.example"])
    return {
        "forum": platforms.platform_create(slug="forum", domains=["forum.example"], shares_signals=True),
        "blog": platforms.platform_create(slug="blog", domains=["blog.example"]),  # counts apart
    }


def _send(token: str, target: str, n: int, at: int) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    body = {"signals": [{"type": "share", "target": target, "at": at}] * n}
    response = client.post("/api/v1/signals/", body, content_type="application/json")
    assert response.status_code == 202, response.content


def test_sharing_platforms_add_up_and_one_counting_apart_does_not(group, settings):
    settings.SIGNAL_RETENTION_SECONDS = 10 ** 10  # the fixed stream time stays countable
    assert platforms.signal_namespace(Platform.objects.get(is_default=True)) == ""
    assert platforms.signal_namespace(group["forum"].platform) == ""
    assert platforms.signal_namespace(group["blog"].platform) == "blog/"
    host = make_user("host-platform-account", roles.PLATFORM)  # no platform account: the default platform's
    host_token = token_client(host)._credentials["HTTP_AUTHORIZATION"].split()[1]
    _send(host_token, "case:TD-2026-000001", 3, T0)
    _send(group["forum"].token, "case:TD-2026-000001", 4, T0)
    _send(group["blog"].token, "case:TD-2026-000001", 5, T0)
    counts = signals.bucket_counts(T0)
    assert counts["case:TD-2026-000001"] == {"share": 7}
    assert counts["blog/case:TD-2026-000001"] == {"share": 5}


def _first_alert(rising_on: list[Platform], target: str = "case:TD-2026-000002") -> int | None:
    """A quiet target on the default platform, then the same rise of shares on each platform
    of ``rising_on``, each sending its signals as the API counts them; how many buckets after
    the onset the shared target is first alerted (None: never in twelve buckets)."""
    onset = WARM_UP_BUCKETS + 30
    default = Platform.objects.get(is_default=True)
    for i in range(onset + 12):
        bucket = T0 + i * W
        sends = [(default, 3 + i % 2)] + [(p, 3 * (i - onset + 1)) for p in rising_on if i >= onset]
        counts: dict = {}
        for platform, n in sends:
            batch = signals.parse_signals([{"type": "share", "target": target, "at": bucket}] * n, now=bucket + 1,
                                          namespace=platforms.signal_namespace(platform))
            for key, value in batch.counts.items():
                counts[key] = counts.get(key, 0) + value
        signals.count_signals(counts)
        if any(alert.target == target for alert in detect_spikes(now=bucket + W + LATENESS_SECONDS)):
            return i - onset
    return None


def test_a_target_rising_on_two_sharing_platforms_alerts_sooner(group):
    default = Platform.objects.get(is_default=True)
    # The same rise on the default platform and on a platform that shares signals...
    together = _first_alert([default, group["forum"].platform])
    DetectorCursor.objects.all().delete()  # the same stream time again, for another target
    # ...and on the default platform and one counting apart: the shared key sees half of it.
    apart = _first_alert([default, group["blog"].platform], target="case:TD-2026-000004")
    assert together is not None and apart is not None and together < apart


def test_an_intervention_goes_to_every_platform_knowing_the_target_by_its_key(group):
    shared = intervention_create(kind="traffic_limit", target="case:TD-2026-000003", reason="Mass sharing",
                                 duration=timedelta(hours=1),
                                 params={"shares_per_minute": 5}, actor="staff:1")
    sent = {d.platform.slug: d.payload["target"]
            for d in WebhookDelivery.objects.filter(subject_id=shared.pk, event="intervention.apply")}
    default_slug = Platform.objects.get(is_default=True).slug
    assert sent == {default_slug: "case:TD-2026-000003", "forum": "case:TD-2026-000003"}

    own = intervention_create(kind="traffic_limit", target="blog/user-9", reason="Mass sharing",
                              duration=timedelta(hours=1),
                              params={"shares_per_minute": 5}, actor="staff:1")
    sent = {d.platform.slug: d.payload["target"]
            for d in WebhookDelivery.objects.filter(subject_id=own.pk, event="intervention.apply")}
    assert sent == {"blog": "user-9"}


def test_a_protection_goes_to_every_platform_the_case_is_on(group):
    complaint = file_notice(items=[("https://forum.example/t/1", "address"),
                                   ("https://blog.example/p/2", "phone")]).complaint
    protection = protection_activate(complaint=complaint, account="victim-account")
    sent = {d.platform.slug for d in WebhookDelivery.objects.filter(subject_id=protection.pk)}
    assert sent == {"forum", "blog"}
