from __future__ import annotations

import time

import pytest

from prevention import signals
from prevention.models import SignalBucket

pytestmark = pytest.mark.django_db

URL = "/api/v1/signals/"


def test_a_batch_is_counted_per_target_bucket_and_type(platform_client):
    now = int(time.time())
    bucket = now // 10 * 10
    batch = [{"type": "share", "target": "topic:a", "at": bucket + 1}] * 5 + [
        {"type": "post", "target": "topic:a", "at": bucket + 2},
        {"type": "search", "target": "topic:b"},
    ]
    response = platform_client.post(URL, {"signals": batch}, format="json")
    assert response.status_code == 202
    assert response.json() == {"accepted": 7, "dropped": {"too_old": 0, "future": 0}, "counters": 3}
    assert signals.bucket_counts(bucket)["topic:a"] == {"share": 5, "post": 1}
    # A second batch adds to the same counters.
    platform_client.post(URL, batch[:2], format="json")
    assert signals.bucket_counts(bucket)["topic:a"]["share"] == 7


def test_times_may_be_iso_8601_and_stale_or_future_signals_are_dropped_not_refused(platform_client):
    now = time.time()
    batch = [
        {"type": "report", "target": "t", "at": "2026-01-01T00:00:00+00:00"},
        {"type": "report", "target": "t", "at": now + 3600},
        {"type": "report", "target": "t", "at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(now))},
    ]
    body = platform_client.post(URL, batch, format="json").json()
    assert body["accepted"] == 1 and body["dropped"] == {"too_old": 1, "future": 1}


@pytest.mark.parametrize(
    "item",
    [
        {"type": "like", "target": "t"},
        {"type": {}, "target": "t"},
        {"type": ["post"], "target": "t"},
        {"type": "post"},
        {"type": "post", "target": ""},
        {"type": "post", "target": "x" * 129},
        {"type": "post", "target": 5},
        {"type": "post", "target": "t", "at": "yesterday"},
        {"type": "post", "target": "t", "at": "2026-01-01T00:00:00"},
        "post",
    ],
)
def test_a_malformed_signal_refuses_the_batch_and_names_its_index(platform_client, item):
    response = platform_client.post(URL, [{"type": "post", "target": "ok"}, item], format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]["signals"]) == ["1"]
    assert not SignalBucket.objects.exists()


def test_target_keys_with_control_characters_are_refused(platform_client):
    response = platform_client.post(URL, [{"type": "post", "target": "a\x1fb"}], format="json")
    assert response.status_code == 400
    assert "targets" in response.json()["error"]["fields"]["signals"]


def test_a_full_batch_larger_than_the_general_upload_limit_is_accepted(platform_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    at = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    batch = [{"type": "share", "target": f"topic:{i % 50:0>100}", "at": at} for i in range(10_000)]
    response = platform_client.post(URL, batch, format="json")
    assert response.status_code == 202 and response.json()["accepted"] == 10_000


def test_non_json_bodies_are_415_and_broken_json_400(platform_client):
    assert platform_client.post(URL, "type=post", content_type="text/plain").status_code == 415
    broken = platform_client.post(URL, "[{", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "malformed"


def test_more_than_ten_thousand_signals_is_413(platform_client):
    batch = [{"type": "post", "target": "t"}] * 10_001
    response = platform_client.post(URL, batch, format="json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_body_that_is_not_a_list_is_400(platform_client):
    assert platform_client.post(URL, {"type": "post"}, format="json").status_code == 400


def test_database_counting_upserts_aggregated_rows(settings, django_assert_max_num_queries):
    settings.REDIS_URL = ""  # the embedded default, also when the suite runs beside Redis
    bucket = int(time.time()) // 10 * 10
    counts = {(f"t{i}", bucket, "share"): i + 1 for i in range(50)}
    with django_assert_max_num_queries(3):
        signals.count_signals(counts)
    signals.count_signals({("t3", bucket, "share"): 10, ("t3", bucket, "report"): 2})
    row = SignalBucket.objects.get(target="t3", bucket=bucket)
    assert (row.share, row.report, row.post) == (14, 2, 0)
    series = signals.target_series("t3", [bucket - 10, bucket])
    assert series == [(bucket - 10, {}), (bucket, {"share": 14, "report": 2})]


def _redis_or_skip(settings):
    import redis

    url = "redis://127.0.0.1:6379/6"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:
        pytest.skip("needs a Redis server on 127.0.0.1:6379")
    settings.REDIS_URL = url
    client = signals.redis_client()
    for key in client.scan_iter("prevention:sig:*"):
        client.delete(key)
    return client


def test_redis_counting_uses_one_hash_per_bucket_with_expiry(settings, platform_client):
    client = _redis_or_skip(settings)
    bucket = int(time.time()) // 10 * 10
    batch = [{"type": "share", "target": "topic:r", "at": bucket}] * 3 + [{"type": "report", "target": "topic:r", "at": bucket}]
    assert platform_client.post(URL, batch, format="json").status_code == 202
    platform_client.post(URL, batch[:1], format="json")
    assert signals.bucket_counts(bucket) == {"topic:r": {"share": 4, "report": 1}}
    assert 0 < client.ttl(f"prevention:sig:{bucket}") <= signals.retention_seconds() + 20
    assert signals.target_series("topic:r", [bucket, bucket + 10]) == [(bucket, {"share": 4, "report": 1}), (bucket + 10, {})]
    assert not SignalBucket.objects.exists()
