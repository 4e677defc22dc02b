"""The host platform reports back per item: POST /api/v1/item-actions/<id>/report/ confirms
or refuses each item's action; idempotent; the case's action state, the audit log and the
complainant's tracking page follow it; a later delivery outcome does not undo it."""

from __future__ import annotations

import pytest
from django.db import transaction

from audit.models import AuditEvent
from hostplatform.models import WebhookDelivery
from moderation import services as moderation
from moderation.models import ItemAction
from moderation.services import claim_take
from takedown import roles
from tests.factories import decide, file_notice, make_user, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided():
    submission = file_notice(items=[("https://social.example/p/1", "address"), ("https://social.example/p/2", "phone")])
    senior = make_user("senior-r", roles.SENIOR_MODERATOR)
    claim_take(complaint=submission.complaint, user=senior)
    decision = decide(submission.complaint, senior)
    return submission, decision


@pytest.fixture
def platform():
    return token_client(make_user("platform-r", roles.PLATFORM))


def report(client, action_id, **body):
    return client.post(f"/api/v1/item-actions/{action_id}/report/", body, format="json")


def tracked_actions(token: str) -> list[dict]:
    from rest_framework.test import APIClient

    body = APIClient().get(f"/api/v1/track/{token}/").json()
    return body["sections"]["outcome"]["decisions"][-1]["item_actions"]


def test_the_webhook_names_the_action_and_where_to_report(decided):
    _submission, decision = decided
    deliveries = WebhookDelivery.objects.filter(event="measure.apply").order_by("pk")
    actions = {a.item_id: a for a in ItemAction.objects.filter(decision=decision)}
    assert len(deliveries) == 2
    for delivery in deliveries:
        action = actions[delivery.payload["item"]["id"]]
        assert delivery.payload["action_id"] == action.pk
        assert delivery.payload["report_url"].endswith(f"/api/v1/item-actions/{action.pk}/report/")


def test_confirm_and_refuse_each_item_and_the_case_and_tracking_page_follow(decided, platform):
    submission, decision = decided
    first, second = ItemAction.objects.filter(decision=decision).order_by("item_id")

    done = report(platform, first.pk, outcome="done")
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "done" and done.json()["case"] == submission.complaint.reference
    assert done.json()["item_url"] == "https://social.example/p/1" and done.json()["reported_at"]
    refused = report(platform, second.pk, outcome="refused", note="The post is already gone from our side.")
    assert refused.status_code == 200 and refused.json()["state"] == "refused"
    assert refused.json()["note"] == "The post is already gone from our side."

    second.refresh_from_db()
    assert second.state == ItemAction.State.REFUSED and second.reported_at is not None
    case = token_client(make_user("mod-r", roles.SENIOR_MODERATOR)).get(f"/api/v1/cases/{submission.complaint.reference}/")
    states = {a["item_id"]: a["state"] for a in case.json()["decisions"][-1]["item_actions"]}
    assert states == {first.item_id: "done", second.item_id: "refused"}
    seen = {a["item_id"]: (a["state"], a["state_label"]) for a in tracked_actions(submission.token)}
    assert seen == {first.item_id: ("done", "Done"), second.item_id: ("refused", "Refused by the platform")}
    events = AuditEvent.objects.filter(code="decision.item_action_reported").order_by("pk")
    assert [e.details["state"] for e in events] == ["done", "refused"]
    assert events[1].details["note"] == "The post is already gone from our side."


def test_a_repeated_report_is_idempotent_and_a_contrary_one_is_refused(decided, platform):
    _submission, decision = decided
    action = ItemAction.objects.filter(decision=decision).first()
    first = report(platform, action.pk, outcome="done")
    again = report(platform, action.pk, outcome="done")
    assert again.status_code == 200 and again.json() == first.json()
    assert AuditEvent.objects.filter(code="decision.item_action_reported").count() == 1
    contrary = report(platform, action.pk, outcome="refused", note="Changed our mind")
    assert contrary.status_code == 409 and contrary.json()["error"]["code"] == "already_reported"
    action.refresh_from_db()
    assert action.state == ItemAction.State.DONE


def test_a_late_delivery_outcome_does_not_undo_the_report(decided, platform):
    _submission, decision = decided
    action = ItemAction.objects.filter(decision=decision).first()
    report(platform, action.pk, outcome="refused", note="Out of our jurisdiction")
    with transaction.atomic():
        moderation.item_action_record(action_id=action.pk, state=ItemAction.State.ESCALATED)
    action.refresh_from_db()
    assert action.state == ItemAction.State.REFUSED


def test_bad_reports_are_refused_in_the_error_shape(decided, platform):
    _submission, decision = decided
    action = ItemAction.objects.filter(decision=decision).first()
    no_reason = report(platform, action.pk, outcome="refused")
    assert no_reason.status_code == 422 and "note" in no_reason.json()["error"]["fields"]
    unknown = report(platform, action.pk, outcome="maybe")
    assert unknown.status_code == 400 and "outcome" in unknown.json()["error"]["fields"]
    assert report(platform, 999_999, outcome="done").status_code == 404
    moderator = token_client(make_user("mod-x", roles.MODERATOR))
    assert report(moderator, action.pk, outcome="done").status_code == 403
    action.refresh_from_db()
    assert action.reported_at is None
