"""Effects that follow a decision over time: end dates, complainant answers, platform failures."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from django.test import Client

from complaints.models import Complaint
from complaints.services import complaint_add_message
from deadlines.sweep import sweep
from hostplatform.models import DemoPlatformAction, WebhookDelivery
from moderation.models import Decision, ItemAction
from tests.moderation.conftest import client_for, decision_body


def test_a_measure_with_an_end_date_is_lifted_on_that_date(moderator, submit, post, committed):
    complaint, _ = submit()
    post(moderator, f"/api/v1/cases/{complaint.reference}/claim")
    end = date.today() + timedelta(days=10)
    response = post(moderator, f"/api/v1/cases/{complaint.reference}/decisions",
                    decision_body(measure="restrict_visibility", end_date=end.isoformat()))
    assert response.status_code == 201 and response.json()["statement_of_reasons"]["end_date"] == end.isoformat()
    from datetime import datetime

    with committed():
        sweep(now=datetime.combine(end, datetime.min.time(), tzinfo=UTC) + timedelta(minutes=1))
    decision = Decision.objects.get()
    assert decision.state == Decision.State.EXPIRED
    assert ItemAction.objects.get(decision=decision, kind="lift").state == "done"


def test_after_request_info_the_complainant_answer_puts_the_case_back_in_review(moderator, submit, post):
    complaint, _ = submit()
    post(moderator, f"/api/v1/cases/{complaint.reference}/claim")
    post(moderator, f"/api/v1/cases/{complaint.reference}/decisions",
         decision_body(measure="request_info", explanation="Which post shows your address?"))
    complaint_add_message(complaint=complaint, body="The second link, posted yesterday.")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.IN_REVIEW
    # Back in the queue and decidable again after a new claim.
    refs = [r["reference"] for r in client_for(moderator).get("/api/v1/queue/").json()["results"]]
    assert complaint.reference in refs
    post(moderator, f"/api/v1/cases/{complaint.reference}/claim")
    assert post(moderator, f"/api/v1/cases/{complaint.reference}/decisions", decision_body()).status_code == 201


def test_a_platform_that_keeps_failing_escalates_the_item_action(moderator, submit, post, settings, committed):
    settings.HOST_PLATFORM_WEBHOOK_URL = "http://127.0.0.1:9/unreachable"
    settings.HOST_PLATFORM_WEBHOOK_MAX_ATTEMPTS = 1
    complaint, _ = submit()
    post(moderator, f"/api/v1/cases/{complaint.reference}/claim")
    post(moderator, f"/api/v1/cases/{complaint.reference}/decisions", decision_body())
    action = ItemAction.objects.get()
    assert action.state == ItemAction.State.ESCALATED
    assert WebhookDelivery.objects.filter(state="escalated").count() == 2  # the item and the poster notice
    from tests.moderation.conftest import logged_in

    client = logged_in(moderator)
    page = client.get("/staff/deliveries/")
    assert b"measure.apply" in page.content and b"escalated" in page.content
    # The platform is back: staff send it again and it is carried out.
    settings.HOST_PLATFORM_WEBHOOK_URL = ""
    delivery = WebhookDelivery.objects.get(event="measure.apply")
    with committed():
        client.post("/staff/deliveries/", {"delivery": delivery.pk})
    action.refresh_from_db()
    assert action.state == ItemAction.State.DONE
    assert DemoPlatformAction.objects.filter(event="measure.apply").exists()


def test_staff_list_open_appeals(moderator, moderator_b, submit, post):
    complaint, token = submit()
    post(moderator, f"/api/v1/cases/{complaint.reference}/claim")
    post(moderator, f"/api/v1/cases/{complaint.reference}/decisions", decision_body(measure="no_action"))
    post(None, "/api/v1/appeals/", {"token": token, "grounds": "It is my address."})
    listed = client_for(moderator_b).get("/api/v1/appeals/").json()["results"]
    assert [a["case"] for a in listed] == [complaint.reference]
    assert Client().get("/api/v1/appeals/").status_code in (401, 403)


def test_the_outcome_reads_in_chinese_for_a_chinese_complainant(moderator, submit, post):
    complaint, token = submit()
    post(moderator, f"/api/v1/cases/{complaint.reference}/claim")
    post(moderator, f"/api/v1/cases/{complaint.reference}/decisions", decision_body())
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/track/{token}/").content.decode()
    assert "处理结果" in html and "删除内容" in html and "已作出决定" in html
