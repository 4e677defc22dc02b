"""A victim files through /report/ in a real browser, in both languages, with a file."""

from __future__ import annotations

import re

import pytest

from complaints.models import Complaint, Evidence
from tests.conftest import make_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_and_send(page, live_server, tmp_path, *, language: str) -> None:
    page.goto(f"{live_server.url}/report/")
    if language == "zh-hans":
        page.get_by_role("button", name="简体中文").click()
        page.wait_for_selector("text=提交举报")
    page.get_by_label(re.compile("Your full name|您的真实姓名")).fill("Chen Jing")
    page.get_by_label(re.compile("Your e-mail address|您的电子邮箱")).fill("chen@example.com")
    page.locator("#id_item_url_0").fill("https://social.example/p/1")
    page.get_by_role("button", name=re.compile("Add another link|再添加一个链接")).click()
    # The new row arrived without JavaScript-only tricks and kept what was typed.
    assert page.locator("#id_item_url_0").input_value() == "https://social.example/p/1"
    page.locator("#id_item_url_3").fill("weibo:4987654321")
    page.locator("input[name=disclosed_info][value=home_address]").check()
    page.locator("input[name=harms][value=contact_by_strangers]").check()
    page.locator("#id_explanation").fill("My home address was posted.")
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(make_png())
    page.locator("#id_evidence").set_input_files(str(shot))
    page.locator("#id_good_faith_declaration").check()
    page.get_by_role("button", name=re.compile("Send report|提交举报")).click()


@pytest.mark.parametrize(
    ("language", "received_word", "status_word"),
    [("en", "We have received your report", "Received"), ("zh-hans", "我们已收到您的举报", "已受理")],
)
def test_victim_files_a_report_and_follows_it(phone_page, live_server, tmp_path, language, received_word, status_word):
    page = phone_page
    fill_and_send(page, live_server, tmp_path, language=language)
    page.wait_for_selector(f"text={received_word}")
    complaint = Complaint.objects.get()
    assert complaint.status == "received"
    assert complaint.language == language
    assert [i.url for i in complaint.items.all()] == ["https://social.example/p/1", "weibo:4987654321"]
    assert Evidence.objects.get(complaint=complaint).original_name == "screenshot.png"
    assert complaint.timezone != ""  # set from the browser by the page's script
    assert page.locator(".reference").inner_text().strip() == complaint.reference
    link = page.locator("#tracking-link")
    assert "/track/" in link.inner_text()
    link.click()
    page.wait_for_selector(".status")
    assert page.locator(".status").inner_text().strip() == status_word
    assert "screenshot.png" in page.locator("#evidence").inner_text()
    assert page.locator("#timeline li").count() >= 1


def test_errors_are_summarised_and_focus_moves_to_the_summary(phone_page, live_server):
    page = phone_page
    page.goto(f"{live_server.url}/report/")
    page.locator("#id_complainant_name").fill("Chen Jing")
    page.locator("#id_complainant_email").fill("not-an-address")
    page.locator("#id_item_url_0").fill("javascript:alert(1)")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary = page.locator("#error-summary").inner_text()
    assert "e-mail" in summary.lower() and "URL" in summary
    assert page.locator("#id_complainant_name").input_value() == "Chen Jing"
    page.locator("#error-summary a[href='#id_item_url_0']").click()
    assert page.evaluate("document.activeElement.id") == "id_item_url_0"
    assert not Complaint.objects.exists()
