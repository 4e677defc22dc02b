"""Staff pages: alerts with their charts, interventions created and lifted from the page."""

from __future__ import annotations

import pytest

from prevention import signals
from prevention.detection import LATENESS_SECONDS, detect_spikes
from prevention.models import Alert, Intervention
from tests.prevention.conftest import make_user, verified_client

pytestmark = pytest.mark.django_db

W = 10
T0 = 1_790_000_000


def _raise_alert() -> Alert:
    for i in range(60):
        bucket = T0 + i * W
        signals.count_signals({("topic:x", bucket, "post"): 5 + i % 3, ("topic:x", bucket, "report"): 1})
        detect_spikes(now=bucket + W + LATENESS_SECONDS)
    bucket = T0 + 60 * W
    signals.count_signals({("topic:x", bucket, "share"): 300})
    (alert,) = detect_spikes(now=bucket + W + LATENESS_SECONDS)
    return alert


def test_the_alert_list_shows_explanation_and_an_inline_chart(django_assert_max_num_queries):
    alert = _raise_alert()
    client = verified_client(make_user("mod", "moderator"))
    with django_assert_max_num_queries(8):
        page = client.get("/staff/alerts/").content.decode()
    assert alert.explanation[:40] in page.replace("&ldquo;", "“").replace("&rdquo;", "”") or "topic:x" in page
    assert "<svg" in page and 'class="bar bar-alert"' in page
    assert f'href="/staff/alerts/{alert.pk}/"' in page
    svg = client.get(f"/staff/alerts/{alert.pk}/chart.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_alert_pages_need_a_verified_staff_session(client):
    alert = _raise_alert()
    assert client.get("/staff/alerts/").status_code == 302
    outsider = verified_client(make_user("investigator", "investigator"))
    assert outsider.get(f"/staff/alerts/{alert.pk}/").status_code == 403


def test_a_senior_intervenes_from_the_alert_and_lifts_it_from_the_list():
    alert = _raise_alert()
    client = verified_client(make_user("senior", "senior_moderator"))
    detail = client.get(f"/staff/alerts/{alert.pk}/").content.decode()
    assert "Apply intervention" in detail and 'value="topic:x"' in detail

    response = client.post(
        "/staff/interventions/",
        {"kind": "traffic_limit", "target": "topic:x", "reason": "Spike of shares", "duration_hours": 6,
         "shares_per_minute": 5, "alert": alert.pk},
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get()
    assert intervention.alert == alert and intervention.params == {"shares_per_minute": 5}
    alert.refresh_from_db()
    assert alert.state == "acknowledged"

    listing = client.get("/staff/interventions/").content.decode()
    assert f'data-intervention="{intervention.pk}"' in listing and "Lift" in listing
    client.post(f"/staff/interventions/{intervention.pk}/lift", {"reason": "over"})
    intervention.refresh_from_db()
    assert intervention.state == "lifted"


def test_an_invalid_intervention_form_shows_the_error_and_creates_nothing():
    client = verified_client(make_user("senior", "senior_moderator"))
    page = client.post(
        "/staff/interventions/", {"kind": "traffic_limit", "target": "topic:x", "reason": "r", "duration_hours": 2}
    ).content.decode()
    assert "Set at least one of" in page
    assert not Intervention.objects.exists()


def test_moderators_see_interventions_but_cannot_apply_them():
    client = verified_client(make_user("mod", "moderator"))
    page = client.get("/staff/interventions/").content.decode()
    assert "Apply an intervention" not in page
    response = client.post("/staff/interventions/", {"kind": "comment_lock", "target": "t", "reason": "r", "duration_hours": 1})
    assert response.status_code == 403


def test_the_alerts_api_lists_alerts_for_staff_only(platform_client):
    from tests.prevention.conftest import token_client

    alert = _raise_alert()
    moderator = token_client("mod", "moderator")
    results = moderator.get("/api/v1/alerts/").json()["results"]
    assert [r["id"] for r in results] == [alert.pk]
    assert results[0]["chart_url"] == f"/staff/alerts/{alert.pk}/chart.svg"
    assert results[0]["series"]["counts"][-1][1] == 300
    assert platform_client.get("/api/v1/alerts/").status_code == 403
