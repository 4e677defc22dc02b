from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from deadlines.models import Timer
from deadlines.sweep import sweep
from hostplatform.models import WebhookDelivery
from prevention.interventions import intervention_create
from prevention.models import Intervention
from tests.prevention.conftest import token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/interventions/"


def _create(client, **overrides):
    body = {
        "kind": "traffic_limit",
        "target": "topic:leak-2026",
        "reason": "Mass sharing of a victim's address after the alert.",
        "duration_minutes": 120,
        "params": {"shares_per_minute": 10, "searches_per_minute": 0},
    }
    body.update(overrides)
    return client.post(URL, body, format="json")


def test_a_senior_moderator_applies_a_traffic_limit_sent_by_webhook_with_expiry_timer(senior_client):
    response = _create(senior_client)
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "traffic_limit" and body["state"] == "active"
    assert body["params"] == {"shares_per_minute": 10, "searches_per_minute": 0}
    intervention = Intervention.objects.get(pk=body["id"])
    delivery = WebhookDelivery.objects.get(idempotency_key=f"intervention:{intervention.pk}:apply")
    assert delivery.event == "intervention.apply"
    assert delivery.payload["target"] == "topic:leak-2026" and delivery.payload["params"]["shares_per_minute"] == 10
    timer = Timer.objects.get(kind="intervention_expiry", target_id=intervention.pk)
    assert timer.due_at == intervention.expires_at
    event = AuditEvent.objects.get(code="intervention.created", target_id=str(intervention.pk))
    assert event.details["reason"].startswith("Mass sharing")


@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"kind": "victim_protection"}, "kind", 400),
        ({"reason": ""}, "reason", 400),
        # Well formed, but no cap set or no end given: 422.
        ({"params": {}}, "params", 422),
        ({"params": {"likes_per_minute": 3}}, "params", 400),
        ({"kind": "comment_lock", "params": {"shares_per_minute": 1}}, "params", 400),
        ({"duration_minutes": None}, "expires_at", 422),
    ],
)
def test_invalid_interventions_are_refused_with_the_field_named(senior_client, overrides, field, status):
    body = {k: v for k, v in overrides.items() if v is not None}
    if overrides.get("duration_minutes", 0) is None:
        response = senior_client.post(
            URL, {"kind": "comment_lock", "target": "t", "reason": "r"}, format="json"
        )
    else:
        response = _create(senior_client, **body)
    assert response.status_code == status
    assert field in response.json()["error"]["fields"]
    assert not Intervention.objects.exists()


def test_moderators_may_list_but_not_apply(senior_client):
    _create(senior_client)
    moderator = token_client("mod", "moderator")
    assert _create(moderator).status_code == 403
    listing = moderator.get(URL).json()["results"]
    assert [i["target"] for i in listing] == ["topic:leak-2026"]
    assert listing[0]["delivery"]["apply"] in ("pending", "done")
    platform = token_client("platform", "platform")
    assert platform.get(URL).status_code == 403


def test_lifting_cancels_the_timer_and_tells_the_platform(senior_client):
    pk = _create(senior_client).json()["id"]
    response = senior_client.post(f"{URL}{pk}/lift", {"reason": "calmed down"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "lifted"
    assert Timer.objects.get(kind="intervention_expiry", target_id=pk).state == "cancelled"
    assert WebhookDelivery.objects.filter(idempotency_key=f"intervention:{pk}:lift").exists()
    again = senior_client.post(f"{URL}{pk}/lift", {}, format="json")
    assert again.status_code == 409


def test_expiry_through_the_deadline_sweep_ends_it_once_and_sends_the_lift():
    now = timezone.now()
    # Created "now" with a short expiry, then swept after it.
    intervention = intervention_create(
        kind="search_suppression",
        target="name:victim",
        reason="Searches for the victim's name spike.",
        duration=timedelta(minutes=5),
        actor="user:1",
    )
    sweep(now=now + timedelta(minutes=6))
    intervention.refresh_from_db()
    assert intervention.state == "expired" and intervention.ended_actor == "system"
    timer = Timer.objects.get(kind="intervention_expiry", target_id=intervention.pk)
    assert timer.state == "done" and timer.outcome == "expired"
    lift = WebhookDelivery.objects.get(idempotency_key=f"intervention:{intervention.pk}:lift")
    assert lift.payload["action"] == "lift"
    assert AuditEvent.objects.filter(code="intervention.expired", target_id=str(intervention.pk)).count() == 1
    # A second sweep finds nothing to do.
    sweep(now=now + timedelta(minutes=7))
    assert AuditEvent.objects.filter(code="intervention.expired", target_id=str(intervention.pk)).count() == 1
