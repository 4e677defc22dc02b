"""The review queue and the case: order, filters, constant queries, access, recorded viewing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from complaints.services import UploadedEvidence
from deadlines.models import Timer
from moderation import selectors, services
from tests.conftest import make_png
from tests.moderation.conftest import client_for


def test_queue_orders_by_priority_then_deadline(moderator, submit):
    p2, _ = submit(disclosed_info=["other"])
    p1, _ = submit(disclosed_info=["home_address"])
    p0, _ = submit(disclosed_info=["home_address"], harms=["threats"])
    p1_later, _ = submit(disclosed_info=["phone"])
    response = client_for(moderator).get("/api/v1/queue/")
    assert response.status_code == 200
    body = response.json()
    refs = [r["reference"] for r in body["results"]]
    assert refs == [p0.reference, p1.reference, p1_later.reference, p2.reference]
    assert body["counts"] == {"P0": 1, "P1": 2, "P2": 1}
    assert body["results"][0]["time_left"].endswith("left")


def test_queue_filters_by_priority_kind_language_status_and_overdue(moderator, submit):
    address, _ = submit(disclosed_info=["home_address"], language="en")
    phone, _ = submit(disclosed_info=["phone"], language="zh-hans")
    client = client_for(moderator)
    assert [r["reference"] for r in client.get("/api/v1/queue/?kind=phone").json()["results"]] == [phone.reference]
    assert [r["reference"] for r in client.get("/api/v1/queue/?language=en").json()["results"]] == [address.reference]
    assert client.get("/api/v1/queue/?status=in_review").json()["results"] == []
    assert client.get("/api/v1/queue/?overdue=1").json()["results"] == []
    late = client.get("/api/v1/queue/?priority=P1").json()
    assert late["total"] == 2
    bad = client.get("/api/v1/queue/?priority=P9&page_size=1000")
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"priority", "page_size"}


def test_overdue_cases_show_their_breach_and_plain_time(moderator, submit):
    complaint, _ = submit()
    due = complaint.response_due_at
    later = due + timedelta(hours=2, minutes=5)
    from deadlines.sweep import sweep

    sweep(now=due + timedelta(seconds=1))
    page = selectors.queue_page(selectors.QueueFilters(overdue=True), now=later)
    assert [c.pk for c in page.rows] == [complaint.pk]
    row = page.rows[0]
    assert row.time_left == "overdue by 2 h 5 min"
    assert row.breached_at is not None
    assert Timer.objects.filter(kind="response_breach", state="done", target_id=complaint.pk).exists()


def test_counts_stop_at_the_cap_and_say_so(moderator, submit, settings):
    settings.QUEUE_COUNT_CAP = 2
    for _ in range(4):
        submit()
    body = client_for(moderator).get("/api/v1/queue/?page_size=3").json()
    assert body["counts"]["P1"] == 3 and body["counts_capped"] == ["P1"]
    assert len(body["results"]) == 3 and body["has_next"] is True
    last = client_for(moderator).get("/api/v1/queue/?page_size=3&page=2").json()
    assert len(last["results"]) == 1 and last["has_next"] is False
    page = selectors.queue_page(selectors.QueueFilters())
    assert page.counts_shown["P1"] == "2+"


def test_time_left_is_written_plainly():
    now = timezone.now()
    assert selectors.time_left_text(now + timedelta(hours=3, minutes=20, seconds=5), now) == "3 h 20 min left"
    assert selectors.time_left_text(now - timedelta(hours=2), now) == "overdue by 2 h"
    assert selectors.time_left_text(now + timedelta(days=2, hours=4), now) == "2 d 4 h left"
    assert selectors.time_left_text(None, now).startswith("no deadline")


@pytest.mark.parametrize("page_size", [5, 50])
def test_queue_takes_the_same_number_of_queries_whatever_the_page_size(moderator, submit, page_size,
                                                                        django_assert_num_queries):
    for i in range(12):
        complaint, _ = submit(items=[(f"https://x.example/{i}", ""), (f"https://x.example/{i}b", "")])
        if i % 3 == 0:
            services.claim_take(complaint=complaint, user=moderator)
    with django_assert_num_queries(5):
        page = selectors.queue_page(selectors.QueueFilters(), page_size=page_size)
        rows = [(c.reference, c.claimed_by, c.item_count, c.breached_at) for c in page.rows]
    assert len(rows) == min(page_size, 12)
    assert all(r[2] == 2 for r in rows)
    assert sum(1 for r in rows if r[1] == "mod-a") == (4 if page_size == 50 else sum(1 for r in rows if r[1]))


@pytest.mark.parametrize("page_size", [5, 50])
def test_queue_api_query_count_is_constant(moderator, submit, page_size, django_assert_max_num_queries):
    for i in range(8):
        submit(items=[(f"https://y.example/{i}", "")])
    client = client_for(moderator)
    with django_assert_max_num_queries(9):
        response = client.get(f"/api/v1/queue/?page_size={page_size}")
    assert response.status_code == 200 and len(response.json()["results"]) == min(page_size, 8)


def test_case_api_shows_items_evidence_decisions_history_and_records_the_viewing(moderator, submit):
    complaint, _ = submit()
    from complaints.services import complaint_add_evidence

    complaint_add_evidence(complaint=complaint, files=[UploadedEvidence("shot.png", make_png())])
    response = client_for(moderator).get(f"/api/v1/cases/{complaint.reference}/")
    assert response.status_code == 200
    body = response.json()
    assert body["items"][0]["url"] == "https://social.example/p/1"
    assert body["evidence"][0]["name"] == "shot.png" and len(body["evidence"][0]["sha256"]) == 64
    assert body["complainant"]["email"] == "chen@example.com"
    assert [e["code"] for e in body["history"]][:1] == ["complaint.submitted"]
    viewed = AuditEvent.objects.filter(code="complaint.viewed", target_id=str(complaint.pk))
    assert viewed.count() == 1 and viewed.get().actor == f"user:{moderator.pk}"


def test_investigators_see_only_cases_their_legal_request_covers(investigator, senior, submit):
    covered, _ = submit()
    other, _ = submit()
    client = client_for(investigator)
    assert client.get(f"/api/v1/cases/{covered.reference}/").status_code == 404
    from preservation.models import LegalRequest
    request = LegalRequest.objects.create(
        authority="Public Security Bureau", reference_number="PSB-1", legal_basis="Criminal Procedure Law Art. 54",
        requesting_officer="Officer Li", registered_by=senior, registered_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=30),
    )
    request.complaints.add(covered)
    request.investigators.add(investigator)
    assert client.get(f"/api/v1/cases/{covered.reference}/").status_code == 200
    assert client.get(f"/api/v1/cases/{other.reference}/").status_code == 404
    assert client.get("/api/v1/queue/").status_code == 403
    assert client.post(f"/api/v1/cases/{covered.reference}/claim").status_code == 403


def test_queue_refuses_anonymous_and_non_staff_token_clients(api_client, db):
    assert api_client.get("/api/v1/queue/").status_code in (401, 403)
    from moderation import accounts

    flagger = accounts.api_token_create(username="flagger", role="trusted_flagger")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {flagger.key}")
    response = api_client.get("/api/v1/queue/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_unknown_case_is_404_in_the_one_error_shape(moderator):
    response = client_for(moderator).get("/api/v1/cases/TD-2026-999999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_related_cases_by_victim_url_and_evidence(moderator, submit):
    first, _ = submit(name="Zhou Min", items=[("https://same.example/p", "")])
    same_url, _ = submit(name="Someone Else", email="else@example.com", items=[("https://same.example/p", "")])
    same_victim, _ = submit(name="zhou  min", email="z2@example.com", items=[("https://other.example/q", "")])
    unrelated, _ = submit(name="Nobody", email="n@example.com", items=[("https://far.example/z", "")])
    related = {r["reference"]: r["reasons"] for r in selectors.related_cases(first)}
    assert "same_url" in related[same_url.reference]
    assert "same_victim" in related[same_victim.reference]
    assert unrelated.reference not in related
