"""A victim files a complaint, keeps the receipt and follows the tracking link: on a
Chinese-language phone and an English desktop, with JavaScript and without."""

from __future__ import annotations

import re

import pytest

from tests.journeys.steps import Report, evidence_file, fill_report

pytestmark = [pytest.mark.browser, pytest.mark.journey]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}

WORDS = {
    "zh-hans": {"heading": "举报您被公开到网上的个人信息", "send": "提交举报",
                "received": "我们已收到您的举报", "status": "已受理"},
    "en": {"heading": "Report your personal information posted online", "send": "Send report",
           "received": "We have received your report", "status": "Received"},
}


@pytest.mark.parametrize(("device", "language", "scripts"), [
    ("phone", "zh-hans", True), ("phone", "zh-hans", False),
    ("desktop", "en", True), ("desktop", "en", False),
])
def test_victim_files_a_report_and_follows_it(product, new_context, visit, tmp_path, device, language, scripts):
    words = WORDS[language]
    context = new_context(**(PHONE if device == "phone" else DESKTOP), java_script_enabled=scripts)
    page = context.new_page()
    page.goto(f"{product.url}/report/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").inner_text() == words["heading"]
    visit.check(page, "form")

    url = f"https://social.example/p/{device}-{language}-{'js' if scripts else 'nojs'}"
    fill_report(page, Report(name="Chen Jing", email="chen@example.com", url=url,
                             explanation="My home address was posted without my consent."),
                evidence_file(tmp_path))
    page.get_by_role("button", name=words["send"]).click()

    page.locator("h1", has_text=words["received"]).wait_for()
    reference = page.locator(".reference").inner_text().strip()
    assert re.fullmatch(r"TD-\d{4}-\d{6}", reference), reference
    link = page.locator("#tracking-link")
    tracking_url = link.inner_text().strip()
    assert tracking_url.startswith(f"{product.url}/track/"), tracking_url
    visit.check(page, "receipt")

    page.goto(tracking_url)
    assert page.locator("[data-status]").get_attribute("data-status") == "received"
    assert page.locator(".status").inner_text().strip() == words["status"]
    assert reference in page.locator("main").inner_text()
    assert "screenshot.png" in page.locator("#evidence").inner_text()
    visit.check(page, "tracking")
