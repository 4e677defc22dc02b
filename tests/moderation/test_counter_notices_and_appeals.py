"""Counter-notices (Civil Code Art. 1196) and appeals (DSA Art. 20), end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from deadlines.sweep import sweep
from hostplatform.models import DemoPlatformAction
from moderation import services
from moderation.models import Appeal, CounterNotice, Decision, ItemAction
from preservation import holds as preservation
from takedown.exceptions import Conflict
from tests.moderation.conftest import decision_body
from tests.openapi import assert_documented


@pytest.fixture
def decided(moderator, submit, post):
    """A case decided with ``remove``; returns (complaint, tracking token, poster token)."""

    def _decided(**submit_overrides):
        complaint, token = submit(**submit_overrides)
        post(moderator, f"/api/v1/cases/{complaint.reference}/claim")
        assert post(moderator, f"/api/v1/cases/{complaint.reference}/decisions", decision_body()).status_code == 201
        link = DemoPlatformAction.objects.filter(event="poster.notice").order_by("-pk").first().payload["counter_notice_url"]
        return complaint, token, link.rstrip("/").rsplit("/", 1)[1]

    return _decided


def counter_body(token, **overrides):
    body = {"token": token, "name": "Liu Yang", "email": "liu@example.net", "statement": "The address is a shop.",
            "evidence": "Business licence 123, public listing https://maps.example/shop"}
    body.update(overrides)
    return body


def test_counter_notice_needs_identity_and_evidence(decided, post):
    _complaint, _token, poster = decided()
    response = post(None, "/api/v1/counter-notices/", counter_body(poster, name="", email="", evidence=""))
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"name", "contact", "evidence"}
    assert not CounterNotice.objects.exists()
    assert post(None, "/api/v1/counter-notices/", counter_body("not-a-token")).status_code == 404


def test_counter_notice_is_forwarded_and_the_wait_starts_when_it_reaches_the_complainant(decided, post):
    complaint, token, poster = decided()
    mail.outbox.clear()
    response = post(None, "/api/v1/counter-notices/", counter_body(poster))
    assert response.status_code == 201
    counter = CounterNotice.objects.get()
    assert counter.state == CounterNotice.State.WAITING
    assert counter.wait_ends_at - counter.forwarded_at == timedelta(days=complaint.policy.counter_notice_wait_days)
    forwarded = [m for m in mail.outbox if "objected" in m.subject]
    assert forwarded and "The address is a shop." in forwarded[0].body
    assert "liu@example.net" not in forwarded[0].body  # the poster's contact stays with the platform
    tracking = Client().get(f"/track/{token}/").content.decode()
    assert "The poster objected" in tracking and "counter-notice" in tracking
    second = post(None, "/api/v1/counter-notices/", counter_body(poster))
    assert second.status_code == 409


def test_without_proof_the_measure_is_lifted_when_the_wait_ends(decided, post, committed):
    complaint, _token, poster = decided()
    post(None, "/api/v1/counter-notices/", counter_body(poster))
    counter = CounterNotice.objects.get()
    with committed():
        sweep(now=counter.wait_ends_at + timedelta(seconds=1))
    counter.refresh_from_db()
    decision = Decision.objects.get()
    assert counter.state == CounterNotice.State.LIFTED
    assert decision.state == Decision.State.LIFTED
    lifts = ItemAction.objects.filter(decision=decision, kind="lift")
    assert lifts.count() == 1 and lifts.get().state == "done"
    assert DemoPlatformAction.objects.filter(event="measure.lift").count() == 1
    assert AuditEvent.objects.filter(code="counter_notice.measure_lifted", target_id=str(complaint.pk)).exists()


def test_content_unlawful_in_itself_stays_down_after_the_wait(decided, post):
    _complaint, _token, poster = decided(disclosed_info=["id_number"], evidence_excerpt="ID 11010519491231002X")
    post(None, "/api/v1/counter-notices/", counter_body(poster))
    counter = CounterNotice.objects.get()
    sweep(now=counter.wait_ends_at + timedelta(seconds=1))
    counter.refresh_from_db()
    assert counter.state == CounterNotice.State.KEPT_UNLAWFUL
    assert Decision.objects.get().state == Decision.State.IN_FORCE
    assert not DemoPlatformAction.objects.filter(event="measure.lift").exists()


def test_proof_of_a_lawsuit_puts_the_case_on_hold_and_the_measure_stays(decided, post):
    complaint, token, poster = decided()
    post(None, "/api/v1/counter-notices/", counter_body(poster))
    counter = CounterNotice.objects.get()
    response = Client().post(f"/track/{token}/counter-notice/{counter.pk}/proof/",
                             {"kind": "lawsuit", "note": "District court case (2026) 01 Min Chu 123"})
    assert response.status_code == 302
    counter.refresh_from_db()
    assert counter.state == CounterNotice.State.HELD and counter.proof_kind == "lawsuit"
    assert preservation.is_held(complaint)
    sweep(now=counter.wait_ends_at + timedelta(days=1))
    assert Decision.objects.get().state == Decision.State.IN_FORCE


def test_anonymous_notices_do_not_start_the_counter_notice_process(moderator, submit, post):
    complaint, _ = submit(name="", email="")
    assert complaint.is_anonymous
    post(moderator, f"/api/v1/cases/{complaint.reference}/claim")
    post(moderator, f"/api/v1/cases/{complaint.reference}/decisions", decision_body())
    notice = DemoPlatformAction.objects.get(event="poster.notice")
    assert notice.payload["counter_notice_url"] is None


def test_poster_page_shows_the_notice_and_takes_a_counter_notice_without_javascript(decided):
    complaint, _token, poster = decided()
    page = Client().get(f"/counter-notice/{poster}/")
    html = page.content.decode()
    assert page.status_code == 200 and complaint.reference in html and "chen@example.com" not in html
    assert "Home address" in html and "home_address" not in html  # words, not codes
    response = Client().post(f"/counter-notice/{poster}/", {**counter_body(poster), "action": "counter_notice"})
    assert response.status_code == 302
    assert CounterNotice.objects.get().poster_name == "Liu Yang"


def test_either_side_may_appeal_within_the_window(decided, post):
    complaint, token, poster = decided()
    by_complainant = post(None, "/api/v1/appeals/", {"token": token, "grounds": "Please also remove the repost."})
    assert by_complainant.status_code == 201 and by_complainant.json()["side"] == "complainant"
    by_poster = post(None, "/api/v1/appeals/", {"token": poster, "grounds": "This is my own shop's address."})
    assert by_poster.status_code == 201 and by_poster.json()["side"] == "poster"
    duplicate = post(None, "/api/v1/appeals/", {"token": poster, "grounds": "again"})
    assert duplicate.status_code == 409


def test_appeal_after_the_window_is_refused(decided):
    complaint, token, _poster = decided()
    late = timezone.now() + timedelta(days=complaint.policy.appeal_window_days + 1)
    with pytest.raises(Conflict) as refused:
        services.appeal_file(token=token, grounds="Too late?", now=late)
    assert refused.value.code == "appeal_window_closed"


def test_the_moderator_who_decided_cannot_decide_the_appeal(decided, post, moderator):
    _complaint, _token, poster = decided()
    appeal_id = post(None, "/api/v1/appeals/", {"token": poster, "grounds": "Mine."}).json()["id"]
    response = post(moderator, f"/api/v1/appeals/{appeal_id}/decision", {"outcome": "reversed", "reasons": "x"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "same_moderator"
    assert Appeal.objects.get().state == Appeal.State.OPEN


def test_reversal_by_another_moderator_lifts_the_measure_at_once(decided, post, moderator_b):
    complaint, token, poster = decided()
    appeal_id = post(None, "/api/v1/appeals/", {"token": poster, "grounds": "It is my shop."}).json()["id"]
    response = post(moderator_b, f"/api/v1/appeals/{appeal_id}/decision",
                    {"outcome": "reversed", "reasons": "The address is a public business listing."})
    assert response.status_code == 200 and response.json()["state"] == "reversed"
    decision = Decision.objects.get()
    assert decision.state == Decision.State.REVERSED
    assert ItemAction.objects.get(decision=decision, kind="lift").state == "done"
    assert DemoPlatformAction.objects.filter(event="measure.lift").exists()
    assert "Appeal decided: decision reversed" in Client().get(f"/track/{token}/").content.decode()
    tracking = Client().get(f"/api/v1/track/{token}/")
    assert_documented(tracking, "/api/v1/track/{token}/")
    assert tracking.json()["sections"]["outcome"]["decisions"][0]["state"] == "reversed"


def test_reversing_a_no_action_decision_takes_the_new_measure(moderator, moderator_b, submit, post):
    complaint, token = submit()
    post(moderator, f"/api/v1/cases/{complaint.reference}/claim")
    post(moderator, f"/api/v1/cases/{complaint.reference}/decisions", decision_body(measure="no_action"))
    appeal_id = post(None, "/api/v1/appeals/", {"token": token, "grounds": "It is my real address."}).json()["id"]
    missing = post(moderator_b, f"/api/v1/appeals/{appeal_id}/decision", {"outcome": "reversed", "reasons": "Wrong."})
    assert missing.status_code == 400
    response = post(moderator_b, f"/api/v1/appeals/{appeal_id}/decision", {
        "outcome": "reversed", "reasons": "The address is the complainant's home.",
        "new_decision": decision_body(measure="remove")})
    assert response.status_code == 200
    new = Decision.objects.get(pk=response.json()["new_decision_id"])
    assert new.measure == "remove" and new.replaces.measure == "no_action" and new.decided_by == moderator_b
    assert ItemAction.objects.get(decision=new).state == "done"


def test_upholding_changes_nothing_on_the_platform(decided, post, moderator_b):
    _complaint, _token, poster = decided()
    appeal_id = post(None, "/api/v1/appeals/", {"token": poster, "grounds": "Mine."}).json()["id"]
    assert post(moderator_b, f"/api/v1/appeals/{appeal_id}/decision",
                {"outcome": "upheld", "reasons": "It is a home."}).status_code == 200
    assert Decision.objects.get().state == Decision.State.IN_FORCE
    assert not DemoPlatformAction.objects.filter(event="measure.lift").exists()


def test_poster_appeals_from_the_notice_page_once(decided):
    _complaint, _token, poster = decided()
    client = Client()
    response = client.post(f"/counter-notice/{poster}/", {"action": "appeal", "grounds": "It is my own shop."})
    assert response.status_code == 302
    page = client.get(f"/counter-notice/{poster}/").content.decode()
    assert "Your appeal" in page and 'name="grounds"' not in page
    assert Appeal.objects.get().side == Appeal.Side.POSTER


def test_the_posters_identity_is_encrypted_at_rest(decided, post):
    from django.db import connection

    from takedown import crypto

    _complaint, _token, poster = decided()
    post(None, "/api/v1/counter-notices/", counter_body(poster, id_number="110105194912310029"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT poster_name, poster_email, poster_id_number FROM moderation_counternotice")
        stored = cursor.fetchone()
    assert all(crypto.is_ciphertext(v) for v in stored)
    assert "Liu Yang" not in "".join(stored)
    assert CounterNotice.objects.get().poster_name == "Liu Yang"


def test_retention_erasure_removes_the_posters_identity_and_the_appeal_grounds(decided, post):
    from django.db import connection, transaction

    from preservation.retention import erase_personal_data

    complaint, token, poster = decided()
    assert post(None, "/api/v1/counter-notices/", counter_body(poster)).status_code == 201
    assert post(None, "/api/v1/appeals/", {"token": token, "grounds": "Remove the repost at my home address too."}).status_code == 201
    with transaction.atomic():
        counts = erase_personal_data(complaint, actor="system")
    assert counts["counter_notices"] == 1 and counts["appeals"] == 1
    counter = CounterNotice.objects.get()
    assert (counter.poster_name, counter.poster_email, counter.statement, counter.evidence) == ("", "", "", "")
    assert Appeal.objects.get().grounds == ""
    with connection.cursor() as cursor:  # nothing left in the stored bytes either
        cursor.execute("SELECT poster_name, poster_email FROM moderation_counternotice")
        assert all("Liu" not in str(v) and "liu@" not in str(v) for v in cursor.fetchone())
    erased = AuditEvent.objects.get(code="case.personal_data_erased", target_id=str(complaint.pk))
    assert erased.details["counter_notices"] == 1
