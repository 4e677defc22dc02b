"""The host platform reports back per item: POST /api/v1/platforms/<slug>/actions/<id>
confirms or refuses each item's action; idempotent; the case's action state, the audit log and
the complainant's tracking page follow it; a later delivery outcome does not undo it; a
platform reports only on its own items."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction
from rest_framework.test import APIClient

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


def report(client, action_id, slug="host", **body):
    return client.post(f"/api/v1/platforms/{slug}/actions/{action_id}", body, format="json")


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
        assert delivery.payload["report_url"].endswith(f"/api/v1/platforms/host/actions/{action.pk}")


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


def test_the_earlier_report_path_still_reports_for_the_tokens_platform(decided, platform):
    _submission, decision = decided
    action = ItemAction.objects.filter(decision=decision).first()
    answered = platform.post(f"/api/v1/item-actions/{action.pk}/report/", {"outcome": "done"}, format="json")
    assert answered.status_code == 200 and answered.json()["state"] == "done"


def test_a_platform_reports_only_on_its_own_items(platform, capsys):
    call_command("platform_add", "forum", "--domains", "forum.example")
    forum = APIClient()
    forum.credentials(HTTP_AUTHORIZATION=f"Token {capsys.readouterr().out.split('token: ')[1].split()[0]}")
    submission = file_notice(items=[("https://social.example/p/9", "address"), ("https://forum.example/t/4", "phone")])
    senior = make_user("senior-f", roles.SENIOR_MODERATOR)
    claim_take(complaint=submission.complaint, user=senior)
    decision = decide(submission.complaint, senior)
    on_host, on_forum = (ItemAction.objects.get(decision=decision, item__url=url)
                         for url in ("https://social.example/p/9", "https://forum.example/t/4"))
    forum_hook = WebhookDelivery.objects.get(event="measure.apply", payload__action_id=on_forum.pk)
    assert forum_hook.payload["report_url"].endswith(f"/api/v1/platforms/forum/actions/{on_forum.pk}")

    # Another platform's action is answered as missing, on either path and under either name.
    for client, action, slug in ((platform, on_forum, "host"), (platform, on_forum, "forum"),
                                 (forum, on_host, "forum"), (forum, on_host, "host")):
        refused = report(client, action.pk, slug=slug, outcome="done")
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
    assert platform.post(f"/api/v1/item-actions/{on_forum.pk}/report/", {"outcome": "done"},
                         format="json").status_code == 404
    assert ItemAction.objects.filter(reported_at__isnull=False).count() == 0

    assert report(forum, on_forum.pk, slug="forum", outcome="done").json()["state"] == "done"
    assert report(platform, on_host.pk, outcome="refused", note="Gone already").json()["state"] == "refused"
