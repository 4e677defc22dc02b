"""The tracking page and API offer an appeal only while one is possible: not after this side
already appealed (open or decided), not once the decision was reversed on appeal, not after
the appeal window; and the appeal service refuses in the same states."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from complaints import services as complaint_services
from complaints.vocabulary import Channel
from hostplatform.models import DemoPlatformAction
from moderation import services
from moderation.models import Appeal, Decision
from takedown import roles
from tests.factories import make_user, token_client

pytestmark = pytest.mark.django_db

DECISION = {
    "measure": "remove",
    "facts": "The post shows the complainant's home address next to her name.",
    "legal_ground": "Civil Code Art. 1034 and 1195",
    "explanation": "Publishing a private person's home address without consent is unlawful.",
}


@pytest.fixture
def case(moderator, django_capture_on_commit_callbacks):
    """A notice decided ``remove``: (tracking token, poster's token)."""
    data = complaint_services.ComplaintInput(
        complainant_name="Chen Jing", complainant_email="chen@example.com",
        items=[("https://social.example/p/1", "my address")], disclosed_info=["home_address"],
        explanation="My home address was posted.", good_faith_declaration=True,
    )
    submission = complaint_services.complaint_submit(data=data, channel=Channel.WEB)
    reference = submission.complaint.reference
    staff = token_client(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/api/v1/cases/{reference}/claim")
        assert staff.post(f"/api/v1/cases/{reference}/decisions", DECISION, format="json").status_code == 201
    link = DemoPlatformAction.objects.filter(event="poster.notice").latest("pk").payload["counter_notice_url"]
    return submission.token, link.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def other_moderator(db):
    return make_user("mod2", roles.MODERATOR)


def offered(token: str, language: str = "en") -> tuple[dict, str]:
    """(the API's outcome entry, the page) for the case's one decision."""
    api = APIClient(headers={"accept-language": language}).get(f"/api/v1/track/{token}/").json()
    page = Client(headers={"accept-language": language}).get(f"/track/{token}/").content.decode()
    (entry,) = api["sections"]["outcome"]["decisions"]
    return entry, page


def appeal(token: str, grounds: str = "Please also remove the repost.") -> tuple[int, dict]:
    response = APIClient().post("/api/v1/appeals/", {"token": token, "grounds": grounds}, format="json")
    return response.status_code, response.json()


def assert_not_offered(token: str, status: str, note: str, code: str) -> None:
    entry, page = offered(token)
    assert entry["can_appeal"] is False and entry["appeal_status"] == status
    assert note in entry["appeal_note"] and "court or to the competent authority" in entry["appeal_note"]
    assert 'name="grounds"' not in page and "Appeal this decision" not in page
    assert f'data-appeal="{status}"' in page and note in page
    refused_status, body = appeal(token)
    assert refused_status == 409 and body["error"]["code"] == code, body
    form = Client().post(f"/track/{token}/appeal/", {"grounds": "Once more."})
    assert form.status_code == 409 and body["error"]["message"] in form.content.decode()


def test_a_fresh_decision_offers_the_appeal_on_the_page_and_in_the_api(case):
    token, _poster = case
    entry, page = offered(token)
    assert entry["can_appeal"] is True and entry["appeal_status"] == "possible" and entry["appeal_note"] == ""
    assert 'name="grounds"' in page and "Appeal this decision" in page and "data-appeal=" not in page


def test_once_an_appeal_is_lodged_it_is_not_offered_again(case):
    token, _poster = case
    assert appeal(token)[0] == 201
    assert_not_offered(token, "open", "Your appeal against this decision is being reviewed.", "duplicate")


def test_once_the_appeal_was_decided_it_is_not_offered_again(case, other_moderator):
    token, _poster = case
    status, body = appeal(token)
    assert status == 201
    services.appeal_decide(appeal=Appeal.objects.get(pk=body["id"]), user=other_moderator, outcome="upheld",
                           reasons="The measure already covers every post named.")
    assert_not_offered(token, "decided", "Your appeal against this decision was decided", "already_decided")


def test_a_decision_reversed_on_appeal_is_not_offered_for_appeal(case, other_moderator):
    token, poster = case
    status, body = appeal(poster, "It is my shop's address.")
    assert status == 201
    services.appeal_decide(appeal=Appeal.objects.get(pk=body["id"]), user=other_moderator, outcome="reversed",
                           reasons="The address is a public business listing.")
    assert Decision.objects.get().state == Decision.State.REVERSED
    assert_not_offered(token, "reversed", "This decision was reversed on appeal", "not_in_force")


def test_after_the_appeal_window_it_is_not_offered(case):
    token, _poster = case
    decision = Decision.objects.get()
    days = decision.complaint.policy.appeal_window_days
    Decision.objects.filter(pk=decision.pk).update(decided_at=timezone.now() - timedelta(days=days, minutes=1))
    assert_not_offered(token, "window_closed", "The time to appeal this decision has passed.", "appeal_window_closed")


def test_the_reason_is_in_the_victims_language(case):
    token, _poster = case
    assert appeal(token)[0] == 201
    entry, page = offered(token, "zh-hans")
    assert entry["appeal_note"] and not entry["appeal_note"].isascii()
    assert entry["appeal_note"] in page


def test_the_proof_form_is_offered_only_while_the_counter_notice_wait_runs(case, django_capture_on_commit_callbacks):
    token, poster = case
    with django_capture_on_commit_callbacks(execute=True):
        objected = APIClient().post("/api/v1/counter-notices/", {
            "token": poster, "name": "Liu Yang", "email": "liu@example.net",
            "statement": "The address is my shop's.", "evidence": "Business licence 123",
        }, format="json")
    assert objected.status_code == 201
    entry, page = offered(token)
    (counter,) = entry["counter_notices"]
    assert counter["state"] == "waiting" and f"/counter-notice/{counter['id']}/proof/" in page
    proof = {"kind": "lawsuit", "note": "District court case (2026) 01 Min Chu 123"}
    assert Client().post(f"/track/{token}/counter-notice/{counter['id']}/proof/", proof).status_code == 302
    entry, page = offered(token)
    assert entry["counter_notices"][0]["state"] == "held"
    assert "/proof/" not in page and 'name="kind"' not in page
    again = Client().post(f"/track/{token}/counter-notice/{counter['id']}/proof/", proof)
    assert again.status_code == 409
