"""The public pages: /report/, the receipt and /track/<token>/ (server-rendered, no JS)."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client

from complaints.models import Complaint, Evidence
from tests.conftest import make_png

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "relationship": "self",
        "complainant_name": "Chen Jing",
        "complainant_email": "chen@example.com",
        "complainant_phone": "",
        "complainant_id_number": "",
        "victim_name": "",
        "rows": "3",
        "item_url_0": "https://social.example/p/1",
        "item_note_0": "my address",
        "item_url_1": "",
        "item_note_1": "",
        "item_url_2": "",
        "item_note_2": "",
        "disclosed_info": ["home_address", "phone"],
        "harms": ["contact_by_strangers"],
        "explanation": "Posted my address.",
        "evidence_excerpt": "12 Example Road",
        "good_faith_declaration": "on",
        "timezone": "Asia/Shanghai",
        "submit": "1",
    }
    data.update(overrides)
    return data


def test_form_is_in_english_or_chinese_from_the_browser_language():
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/report/")
    assert english.status_code == 200
    assert "Report your personal information posted online" in english.content.decode()
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").get("/report/")
    html = chinese.content.decode()
    assert "举报您被公开到网上的个人信息" in html
    assert 'lang="zh-hans"' in html


def test_language_can_be_switched_on_the_page():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/report/"}, follow=True)
    assert "提交举报" in response.content.decode()


def test_every_form_field_has_a_label():
    html = Client().get("/report/").content.decode()
    ids = set(re.findall(r'<input[^>]+type="(?:text|email|tel|file|checkbox|radio)"[^>]*id="([^"]+)"', html))
    ids |= set(re.findall(r'<textarea[^>]*id="([^"]+)"', html))
    assert ids
    for field_id in ids:
        assert f'for="{field_id}"' in html, field_id


def test_submitting_the_form_shows_the_receipt_with_reference_deadline_and_link():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    png = io.BytesIO(make_png())
    png.name = "screenshot.png"
    response = client.post("/report/", {**form_data(), "evidence": png}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.channel == "web"
    assert complaint.timezone == "Asia/Shanghai"
    assert complaint.reference in html
    assert "Asia/Shanghai" in html  # deadline shown in the person's zone
    match = re.search(r'href="(/track/[A-Za-z0-9_-]{43}/)"', html)
    assert match
    assert "Save this link now" in html
    assert Evidence.objects.get().original_name == "screenshot.png"
    track = client.get(match[1]).content.decode()
    assert complaint.reference in track
    assert "Received" in track
    assert "screenshot.png" in track


def test_adding_a_link_row_keeps_everything_typed_and_shows_no_errors():
    response = Client().post("/report/", form_data(add_row="1", submit="", complainant_email="bad"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="item_url_3"' in html
    assert 'value="Chen Jing"' in html
    assert "https://social.example/p/1" in html
    assert "Please check these answers" not in html
    assert not Complaint.objects.exists()


def test_errors_are_summarised_with_links_and_typed_values_kept():
    png = io.BytesIO(make_png())
    png.name = "shot.png"
    response = Client().post("/report/", {**form_data(item_url_0="javascript:alert(1)", complainant_email="nope"), "evidence": png})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please check these answers" in html
    assert 'href="#id_item_url_0"' in html and 'href="#id_complainant_email"' in html
    assert 'value="Chen Jing"' in html
    assert "Posted my address." in html
    assert "attach your files again" in html
    assert not Complaint.objects.exists()


def test_an_incomplete_report_is_kept_and_says_what_is_missing():
    response = Client().post(
        "/report/", form_data(explanation="", evidence_excerpt="", good_faith_declaration=""), follow=True
    )
    html = response.content.decode()
    assert Complaint.objects.get().status == "incomplete"
    assert "Your report is not complete yet" in html
    assert "An explanation of why the posting is unlawful or harmful" in html


def test_tracking_page_completes_a_report_and_starts_the_clock():
    client = Client()
    response = client.post("/report/", form_data(explanation="", good_faith_declaration=""), follow=True)
    path = re.search(r'href="(/track/[A-Za-z0-9_-]{43}/)"', response.content.decode())[1]
    page = client.get(path).content.decode()
    assert 'data-missing="explanation"' in page and 'data-missing="good_faith_declaration"' in page
    response = client.post(
        path,
        {"action": "complete", "complete-relationship": "self", "complete-rows": "1",
         "complete-explanation": "They posted where I live.", "complete-good_faith_declaration": "on"},
        follow=True,
    )
    html = response.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.status == "received" and complaint.response_due_at is not None
    assert "Report complete: the response clock started" in html
    assert "data-missing" not in html


def test_tracking_page_takes_evidence_and_messages():
    client = Client()
    response = client.post("/report/", form_data(), follow=True)
    path = re.search(r'href="(/track/[A-Za-z0-9_-]{43}/)"', response.content.decode())[1]
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    pdf.name = "letter.pdf"
    html = client.post(path, {"action": "evidence", "evidence": pdf, "excerpt": ""}, follow=True).content.decode()
    assert "letter.pdf" in html
    assert Evidence.objects.get().content_type == "application/pdf"
    html = client.post(path, {"action": "message", "body": "They posted again today."}, follow=True).content.decode()
    assert "They posted again today." in html


def test_unknown_tracking_link_is_a_friendly_404():
    response = Client().get("/track/" + "x" * 43 + "/")
    assert response.status_code == 404
    assert "We do not recognise this tracking link" in response.content.decode()


def test_web_form_is_rate_limited_and_keeps_answers(settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public_intake": "1/600"}
    client = Client()
    assert client.post("/report/", form_data()).status_code == 302
    response = client.post("/report/", form_data(complainant_name="Second Person"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert 'value="Second Person"' in response.content.decode()
    assert Complaint.objects.count() == 1


def test_a_link_added_in_a_new_row_is_kept_on_submit():
    client = Client()
    html = client.post("/report/", form_data(add_row="1", submit="")).content.decode()
    assert 'name="rows" value="4"' in html
    client.post("/report/", form_data(rows="4", item_url_3="weibo:4987654321", item_note_3=""))
    assert [i.url for i in Complaint.objects.get().items.all()] == ["https://social.example/p/1", "weibo:4987654321"]
