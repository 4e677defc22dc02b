"""The victim's pages, server-rendered without JavaScript: the language switch keeps the
form, every time names its zone, crisis support for a risk of self-harm, plurals."""

from __future__ import annotations

import html as htmllib
import re
import zoneinfo

import pytest
from django.test import Client

from complaints.models import Complaint
from tests.complaints.test_web import form_data

pytestmark = pytest.mark.django_db


def _receipt(client: Client, **overrides):
    response = client.post("/report/", form_data(**overrides), follow=True)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def _tracking_path(html: str) -> str:
    return re.search(r'href="(/track/[^"]+/)" id="tracking-link"', html).group(1)


def test_switching_language_inside_the_form_keeps_everything_typed_and_sends_nothing():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    typed = form_data(complainant_name="Chen Jing", explanation="他们公布了我的住址 and my phone.",
                      item_note_0="my address", submit=None)
    typed.pop("submit")
    response = client.post("/report/", {**typed, "switch_language": "zh-hans"})
    page = htmllib.unescape(response.content.decode())
    assert response.status_code == 200
    assert 'lang="zh-hans"' in page and "举报您被公开到网上的个人信息" in page
    assert 'value="Chen Jing"' in page and 'value="https://social.example/p/1"' in page
    assert "他们公布了我的住址 and my phone." in page and 'value="my address"' in page
    for kind in ("home_address", "phone"):
        assert re.search(rf'<input[^>]*value="{kind}"[^>]*checked', page), kind
    assert re.search(r'<input[^>]*name="good_faith_declaration"[^>]*checked', page)
    assert 'class="error"' not in page  # not a submission: no errors shown
    assert not Complaint.objects.exists()
    assert client.cookies["django_language"].value == "zh-hans"
    # The next page the person opens stays in the language they chose.
    assert "举报您被公开到网上的个人信息" in client.get("/report/").content.decode()


def test_the_header_language_buttons_of_the_form_belong_to_the_form():
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/report/").content.decode()
    button = re.search(r'<button[^>]*name="switch_language"[^>]*>', page).group(0)
    assert 'form="report-form"' in button and 'value="zh-hans"' in button and "formnovalidate" in button
    assert 'id="report-form"' in page
    assert 'action="/i18n/setlang/"' not in page  # the separate switch would drop what is typed


def test_an_unknown_language_in_the_switch_keeps_the_current_one():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post("/report/", {**form_data(), "switch_language": "xx"})
    assert response.status_code == 200 and 'lang="en"' in response.content.decode()


def test_without_a_browser_zone_chinese_pages_show_china_time_and_name_it():
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    html = _receipt(client, timezone="")
    complaint = Complaint.objects.get()
    assert complaint.timezone == "Asia/Shanghai"
    local = complaint.response_due_at.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))
    assert f"{local:%Y-%m-%d %H:%M} (Asia/Shanghai)" in html
    track = client.get(_tracking_path(html)).content.decode()
    assert f"{local:%Y-%m-%d %H:%M} (Asia/Shanghai)" in track


def test_without_a_browser_zone_english_pages_name_utc():
    html = _receipt(Client(HTTP_ACCEPT_LANGUAGE="en"), timezone="")
    complaint = Complaint.objects.get()
    assert complaint.timezone == "UTC"
    assert f"{complaint.response_due_at:%Y-%m-%d %H:%M} (UTC)" in html


def test_the_browser_zone_cookie_decides_the_zone_shown():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    html = _receipt(client, timezone="Asia/Shanghai")
    complaint = Complaint.objects.get()
    client.cookies["tz"] = "America/New_York"
    track = client.get(_tracking_path(html)).content.decode()
    zone = zoneinfo.ZoneInfo("America/New_York")
    assert f"{complaint.received_at.astimezone(zone):%Y-%m-%d %H:%M} (America/New_York)" in track
    times = re.findall(r"<time [^>]*>([^<]*)</time>", track)
    assert times and all(t.endswith("(America/New_York)") for t in times)
    client.cookies["tz"] = "Not/AZone"
    track = client.get(_tracking_path(html)).content.decode()
    assert "(Asia/Shanghai)" in track  # an unknown cookie is ignored: the zone given with the report


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [("zh-CN", ["12356", "010-82951332", "110", "全国心理援助热线"], ["988"]),
     ("en", ["988", "116 123", "110", "Samaritans"], ["010-82951332"])],
)
def test_a_risk_of_self_harm_shows_crisis_lines_on_the_receipt_and_the_tracking_page(language, shown, not_shown):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    receipt = _receipt(client, harms=["self_harm_risk"])
    track = client.get(_tracking_path(receipt)).content.decode()
    for page in (receipt, track):
        crisis = re.search(r'<aside class="crisis".*?</aside>', page, re.S).group(0)
        for text in shown:
            assert text in crisis
        for text in not_shown:
            assert text not in crisis
        assert 'href="tel:' in crisis


def test_no_crisis_lines_without_a_risk_of_self_harm():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    receipt = _receipt(client, harms=["threats"])
    assert 'class="crisis"' not in receipt
    assert 'class="crisis"' not in client.get(_tracking_path(receipt)).content.decode()


@pytest.mark.parametrize(
    ("language", "rows", "expected"),
    [("en", 1, "1 item"), ("en", 2, "2 items"), ("zh-CN", 1, "1 条"), ("zh-CN", 2, "2 条")],
)
def test_the_number_of_posts_reported_is_in_words_with_the_right_plural(language, rows, expected):
    extra = {"item_url_1": "https://social.example/p/2"} if rows == 2 else {}
    receipt = _receipt(Client(HTTP_ACCEPT_LANGUAGE=language), **extra)
    assert re.search(r'<dd class="items">([^<]*)</dd>', receipt).group(1) == expected
