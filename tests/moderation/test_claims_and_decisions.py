"""Claims and decisions through the API: exclusivity, expiry, permissions, stale versions, effects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from complaints.models import ClockPause, Complaint
from deadlines.models import Timer
from deadlines.sweep import sweep
from hostplatform.models import DemoPlatformAction, WebhookDelivery
from moderation.models import Claim, Decision, ItemAction, PosterNotice
from tests.moderation.conftest import client_for, decision_body


@pytest.fixture
def claim(post):
    return lambda user, complaint: post(user, f"/api/v1/cases/{complaint.reference}/claim")


@pytest.fixture
def decide(post):
    return lambda user, complaint, **body: post(
        user, f"/api/v1/cases/{complaint.reference}/decisions", decision_body(**body))


def test_claim_moves_case_into_review_and_a_second_moderator_gets_409(moderator, moderator_b, submit, claim):
    complaint, _token = submit()
    first = claim(moderator, complaint)
    assert first.status_code == 200
    assert first.json()["claimed_by"] == "mod-a"
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.IN_REVIEW
    second = claim(moderator_b, complaint)
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "claimed_by_other"
    assert second.json()["error"]["fields"]["claimed_by"] == "mod-a"
    assert Claim.objects.filter(complaint=complaint, state="active").count() == 1


def test_claiming_again_renews_the_claim_and_its_expiry_timer(moderator, submit, claim):
    complaint, _ = submit()
    claim(moderator, complaint)
    first = Claim.objects.get()
    again = claim(moderator, complaint)
    assert again.status_code == 200
    renewed = Claim.objects.get(pk=first.pk)
    assert renewed.expires_at >= first.expires_at
    assert Timer.objects.filter(kind="claim_expiry", target_id=first.pk, state="pending").count() >= 1
    assert AuditEvent.objects.filter(code="case.claim_renewed").count() == 1


def test_claim_expires_unless_renewed_and_the_case_can_then_be_claimed_by_another(moderator, moderator_b, submit, claim):
    complaint, _ = submit()
    claim(moderator, complaint)
    held = Claim.objects.get()
    sweep(now=held.expires_at + timedelta(seconds=1))
    held.refresh_from_db()
    assert held.state == Claim.State.EXPIRED
    assert AuditEvent.objects.filter(code="case.claim_expired", target_id=str(complaint.pk)).exists()
    assert claim(moderator_b, complaint).status_code == 200


def test_release_by_the_holder_frees_the_case_but_another_moderator_cannot_release(moderator, moderator_b, senior, submit, claim):
    complaint, _ = submit()
    claim(moderator, complaint)
    refused = client_for(moderator_b).post(f"/api/v1/cases/{complaint.reference}/release/")
    assert refused.status_code == 403
    released = client_for(moderator).post(f"/api/v1/cases/{complaint.reference}/release")
    assert released.status_code == 200
    assert not Claim.objects.filter(state="active").exists()
    assert claim(moderator_b, complaint).status_code == 200
    assert client_for(senior).post(f"/api/v1/cases/{complaint.reference}/release").status_code == 200


def test_only_the_claimant_or_a_senior_may_decide(moderator, moderator_b, senior, submit, claim, decide):
    complaint, _ = submit()
    unclaimed = decide(moderator, complaint)
    assert unclaimed.status_code == 409 and unclaimed.json()["error"]["code"] == "not_claimed"
    claim(moderator, complaint)
    other = decide(moderator_b, complaint)
    assert other.status_code == 403
    assert decide(senior, complaint).status_code == 201


def test_missing_facts_or_grounds_is_400_with_the_fields_named(moderator, submit, claim, decide):
    complaint, _ = submit()
    claim(moderator, complaint)
    response = decide(moderator, complaint, facts="", legal_ground=" ")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) >= {"facts", "legal_ground"}
    assert not Decision.objects.exists()


def test_a_decision_based_on_an_old_version_is_refused_not_overwritten(moderator, submit, claim, decide):
    complaint, _ = submit()
    version = claim(moderator, complaint).json()["version"]
    from complaints.services import complaint_add_evidence

    complaint_add_evidence(complaint=complaint, excerpt="More: her phone number too")
    stale = decide(moderator, complaint, expected_version=version)
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    assert not Decision.objects.exists()
    fresh = client_for(moderator).get(f"/api/v1/cases/{complaint.reference}/").json()["version"]
    assert decide(moderator, complaint, expected_version=fresh).status_code == 201


def test_if_match_header_is_checked_like_expected_version(moderator, submit, claim):
    complaint, _ = submit()
    claim(moderator, complaint)
    response = client_for(moderator).post(
        f"/api/v1/cases/{complaint.reference}/decisions/", decision_body(), format="json", HTTP_IF_MATCH='"2000-01-01"'
    )
    assert response.status_code == 409


def test_a_second_decision_on_a_decided_case_is_409(moderator, senior, submit, claim, decide):
    complaint, _ = submit()
    claim(moderator, complaint)
    assert decide(moderator, complaint).status_code == 201
    again = decide(senior, complaint, measure="no_action")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_decided"
    assert Decision.objects.count() == 1


def test_remove_decision_is_carried_out_on_the_platform_and_everyone_is_told(moderator, submit, claim, decide):
    complaint, token = submit(items=[("https://social.example/p/1", ""), ("https://social.example/p/2", "")])
    claim(moderator, complaint)
    mail.outbox.clear()
    response = decide(moderator, complaint, territorial_scope=["CN"])
    assert response.status_code == 201
    body = response.json()
    assert body["statement_of_reasons"]["measure"] == "remove"
    assert body["statement_of_reasons"]["territorial_scope"] == ["CN"]
    assert "appeal" in body["statement_of_reasons"]["redress"]
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.DECIDED
    decision = Decision.objects.get()
    # One signed instruction per item, delivered to the built-in demo platform (eager Celery).
    actions = ItemAction.objects.filter(decision=decision)
    assert [a.state for a in actions] == ["done", "done"]
    assert DemoPlatformAction.objects.filter(event="measure.apply").count() == 2
    poster = DemoPlatformAction.objects.get(event="poster.notice")
    assert "chen@example.com" not in str(poster.payload) and "Chen Jing" not in str(poster.payload)
    assert poster.payload["counter_notice_url"].startswith("http") and "/counter-notice/" in poster.payload["counter_notice_url"]
    token_in_link = poster.payload["counter_notice_url"].rstrip("/").rsplit("/", 1)[1]
    assert len(token_in_link) >= 43  # 256 bits, url-safe base64
    assert PosterNotice.objects.get().token_hash != token_in_link
    assert WebhookDelivery.objects.filter(state="done").count() == 3
    # The complainant: e-mail and the tracking page.
    assert any(complaint.reference in m.subject for m in mail.outbox)
    page = client_for(moderator).get(f"/track/{token}/")
    html = page.content.decode()
    assert "Remove the content" in html and "Decision taken" in html
    assert "mod-a" not in html  # no staff identities for the complainant


def test_request_info_waits_for_the_complainant_and_pauses_the_clock(moderator, submit, claim, decide):
    complaint, token = submit()
    claim(moderator, complaint)
    response = decide(moderator, complaint, measure="request_info", facts="", legal_ground="",
                      explanation="Please send a screenshot that shows the address.")
    assert response.status_code == 201
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.WAITING_COMPLAINANT
    assert ClockPause.objects.filter(complaint=complaint, resumed_at__isnull=True).exists()
    assert any("screenshot" in m.body for m in complaint.messages.all())  # bodies are encrypted: read, then look
    assert not WebhookDelivery.objects.exists()


def test_no_action_sends_nothing_to_the_platform(moderator, submit, claim, decide):
    complaint, _ = submit()
    claim(moderator, complaint)
    assert decide(moderator, complaint, measure="no_action", manifestly_unfounded=True).status_code == 201
    assert not WebhookDelivery.objects.exists()
    assert Decision.objects.get().manifestly_unfounded is True


def test_decision_on_selected_items_only(moderator, submit, claim, decide):
    complaint, _ = submit(items=[("https://a.example/1", ""), ("https://a.example/2", "")])
    claim(moderator, complaint)
    first_item = complaint.items.order_by("position").first()
    response = decide(moderator, complaint, item_ids=[first_item.pk], measure="restrict_visibility")
    assert response.status_code == 201
    assert [a["item_id"] for a in response.json()["item_actions"]] == [first_item.pk]
    assert decide(moderator, complaint, item_ids=[999999]).status_code in (400, 409)


def test_removal_fingerprints_the_values_for_staydown(moderator, submit, claim, decide):
    from prevention.models import Fingerprint

    complaint, _ = submit(evidence_excerpt="身份证 11010519491231002X 电话 13800138000", disclosed_info=["id_number", "phone"])
    claim(moderator, complaint)
    assert decide(moderator, complaint).status_code == 201
    assert Fingerprint.objects.filter(case_reference=complaint.reference).exists()


def test_decisions_and_claims_write_audit_events_in_the_case_history(moderator, submit, claim, decide):
    complaint, _ = submit()
    claim(moderator, complaint)
    decide(moderator, complaint)
    codes = list(AuditEvent.objects.filter(target_type="complaint", target_id=str(complaint.pk)).order_by("id").values_list("code", flat=True))
    assert "case.claimed" in codes and "decision.made" in codes and "poster.notified" in codes
    made = AuditEvent.objects.get(code="decision.made")
    assert made.details["legal_ground"].startswith("Civil Code")
    assert "chen@example.com" not in str(made.details)


@pytest.mark.django_db(transaction=True)
def test_claim_on_a_case_under_legal_hold_is_refused_and_the_refusal_recorded(moderator, submit, claim):
    from preservation import holds as preservation

    complaint, _ = submit()
    preservation.place_hold(complaints=[complaint], reason="court order 2026-1", actor="user:1")
    response = claim(moderator, complaint)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "legal_hold"
    preservation.flush_refusals()
    refused = AuditEvent.objects.get(code="hold.change_refused", target_id=str(complaint.pk))
    assert refused.actor == f"user:{moderator.pk}"
    assert not Claim.objects.exists()


def test_claim_expiry_does_nothing_once_the_claim_was_released(moderator, submit, claim):
    complaint, _ = submit()
    claim(moderator, complaint)
    held = Claim.objects.get()
    client_for(moderator).post(f"/api/v1/cases/{complaint.reference}/release")
    sweep(now=timezone.now() + timedelta(hours=2))
    held.refresh_from_db()
    assert held.state == Claim.State.RELEASED


def test_the_decision_email_is_retried_while_refused_and_sent_only_once(moderator, submit, claim, decide, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    from deadlines import outbox
    from deadlines.models import OutboxMessage
    from moderation import tasks

    complaint, _ = submit()
    claim(moderator, complaint)
    outbox.drain()  # the receipt
    mail.outbox.clear()
    real_send = EmailBackend.send_messages

    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    assert decide(moderator, complaint, measure="no_action").status_code == 201  # its kicked drain fails
    decision = Decision.objects.get()
    row = OutboxMessage.objects.get(task="moderation.send_decision_email")
    assert row.args == [decision.pk] and row.attempts == 1 and "mail server down" in row.last_error
    assert decision.emailed_at is None and mail.outbox == []
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    OutboxMessage.objects.update(available_at=timezone.now())
    assert outbox.drain().done == 1
    decision.refresh_from_db()
    assert decision.emailed_at is not None
    assert [m.to for m in mail.outbox] == [["chen@example.com"]] and complaint.reference in mail.outbox[0].subject
    tasks.send_decision_email(decision.pk)  # delivered again: nothing more is sent
    assert len(mail.outbox) == 1
