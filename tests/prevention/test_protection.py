"""One-click protection from the tracking page, and its effect on screening."""

from __future__ import annotations

import time

import pytest

from audit.models import AuditEvent
from hostplatform.models import WebhookDelivery
from prevention.models import Intervention
from prevention.protection import forget_cached_names
from tests.prevention.conftest import submit_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_names():
    forget_cached_names()
    yield
    forget_cached_names()


def test_the_tracking_page_offers_protection_and_one_post_turns_it_on(client, submission):
    token = submission.token
    page = client.get(f"/track/{token}/").content.decode()
    assert 'id="protection"' in page and "Turn on protection" in page

    response = client.post(f"/api/v1/track/{token}/protection", {"account": "@chenjing"})
    assert response.status_code == 302 and response["Location"] == f"/track/{token}/#protection"

    intervention = Intervention.objects.get(kind="victim_protection")
    assert intervention.complaint == submission.complaint and intervention.is_active
    assert intervention.params["restrictions"] == ["stranger_messages", "stranger_comments", "stranger_reposts"]
    page = client.get(f"/track/{token}/").content.decode()
    assert 'data-protection="active"' in page
    assert intervention.expires_at.strftime("%Y-%m-%d") in page
    assert "Protection turned on" in page  # on the public timeline

    delivery = WebhookDelivery.objects.get(idempotency_key=f"intervention:{intervention.pk}:apply")
    assert delivery.payload["kind"] == "victim_protection"
    assert delivery.payload["params"]["account"] == "@chenjing"
    assert delivery.payload["case"] == submission.complaint.reference
    assert "Chen Jing" not in str(delivery.payload)  # the platform needs the account, not the name
    event = AuditEvent.objects.get(code="protection.activated")
    assert event.actor == "complainant" and event.details["name_protected"] is True


def test_the_name_is_encrypted_at_rest(submission):
    from django.db import connection

    from prevention.interventions import protection_activate

    protection_activate(complaint=submission.complaint)
    with connection.cursor() as cursor:
        cursor.execute("SELECT protected_name FROM prevention_intervention")
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1$") and "Chen" not in stored


def test_a_second_click_keeps_the_one_protection(client, submission):
    client.post(f"/api/v1/track/{submission.token}/protection")
    client.post(f"/api/v1/track/{submission.token}/protection")
    assert Intervention.objects.filter(kind="victim_protection").count() == 1


def test_json_clients_get_the_state_and_can_end_it_early(api_client, submission):
    url = f"/api/v1/track/{submission.token}/protection"
    body = api_client.post(url, {}, format="json").json()
    assert body["active"] is True and body["restrictions"][0] == "stranger_messages"
    ended = api_client.post(url + "/end", {}, format="json").json()
    assert ended["active"] is False and ended["ended_at"]
    intervention = Intervention.objects.get()
    assert intervention.state == "lifted"
    assert WebhookDelivery.objects.filter(idempotency_key=f"intervention:{intervention.pk}:lift").exists()
    assert AuditEvent.objects.filter(code="protection.ended", target_id=str(submission.complaint.pk)).exists()


def test_an_unknown_tracking_link_is_404_in_the_one_error_shape(api_client):
    response = api_client.post("/api/v1/track/" + "x" * 43 + "/protection", {}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_protection_is_not_offered_to_trusted_flagger_notices(client):
    submission = submit_complaint(relationship="trusted_flagger")
    page = client.get(f"/track/{submission.token}/").content.decode()
    assert 'id="protection"' not in page
    response = client.post(f"/api/v1/track/{submission.token}/protection", content_type="application/json", data={})
    assert response.status_code == 400


def test_screening_matches_the_protected_name_and_blocks_it_with_personal_information(api_client, platform_client, submission):
    api_client.post(f"/api/v1/track/{submission.token}/protection", {}, format="json")
    forget_cached_names()
    mention = platform_client.post("/api/v1/screen/", {"text": "Saw CHEN  JING at the cafe", "context": "comment"}, format="json").json()
    assert mention["verdict"] == "warn"
    assert mention["findings"][0]["type"] == "protected_name"
    (protection,) = mention["protection"]
    assert protection["restrictions"] == ["stranger_messages", "stranger_comments", "stranger_reposts"]
    assert "asked for protection" in mention["warning"]

    doxx = platform_client.post(
        "/api/v1/screen/", {"text": "Chen Jing lives here, phone 13912345670", "context": "profile"}, format="json"
    ).json()
    assert doxx["verdict"] == "block"  # a protected name together with personal information


def test_the_protection_section_speaks_chinese(client, submission):
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/track/{submission.token}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "防止陌生人骚扰" in page and "开启保护" in page
    assert "您未关注的人发来的私信" in page


def test_protected_names_are_rebuilt_only_when_the_set_of_protections_changes(submission):
    from prevention import protection
    from prevention.interventions import protection_activate

    def let_the_cache_time_pass() -> None:
        protection._in_force.expire(time.monotonic() + protection.NAMES_CACHE_SECONDS + 1)

    first = protection.protected_set()
    # The cache time passes but nothing changed: the same automaton is kept.
    let_the_cache_time_pass()
    assert protection.protected_set() is first

    protection_activate(complaint=submission.complaint)
    let_the_cache_time_pass()
    second = protection.protected_set()
    assert second is not first and second.version != first.version
    assert [p.name for p in second.names] == ["Chen Jing"]
    assert second.index.size == 1
