"""A victim files a complaint, keeps the receipt and follows the tracking link: on a
Chinese-language phone and an English desktop, with JavaScript and without. Midway they
switch the page's language and back, and find what they typed still there; having said
they fear hurting themselves, they see crisis lines on the receipt and the tracking page;
every time shown names its zone."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from tests.journeys.steps import Report, evidence_file, fill_report

pytestmark = [pytest.mark.browser, pytest.mark.journey]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB", "timezone_id": "Europe/London"}

WORDS = {
    "zh-hans": {"heading": "举报您被公开到网上的个人信息", "send": "提交举报", "switch": "简体中文",
                "home_address": "家庭住址",
                "received": "我们已收到您的举报", "status": "已受理", "crisis": "12356"},
    "en": {"heading": "Report your personal information posted online", "send": "Send report",
           "switch": "English", "home_address": "Home address", "received": "We have received your report", "status": "Received",
           "crisis": "988"},
}
OTHER = {"zh-hans": "en", "en": "zh-hans"}


def switch_language(page, to: str) -> None:
    page.locator("header .lang button", has_text=WORDS[to]["switch"]).click()
    page.locator("h1", has_text=WORDS[to]["heading"]).wait_for()
    assert page.locator("html").get_attribute("lang") == to


@pytest.mark.parametrize(("device", "language", "scripts", "zone"), [
    ("phone", "zh-hans", True, "Asia/Shanghai"), ("phone", "zh-hans", False, "Asia/Shanghai"),
    # Without JavaScript the browser cannot tell its zone: English pages then name UTC.
    ("desktop", "en", True, "Europe/London"), ("desktop", "en", False, "UTC"),
])
def test_victim_files_a_report_and_follows_it(product, new_context, visit, tmp_path, device, language,
                                              scripts, zone):
    words = WORDS[language]
    context = new_context(**(PHONE if device == "phone" else DESKTOP), java_script_enabled=scripts)
    page = context.new_page()
    page.goto(f"{product.url}/report/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").inner_text() == words["heading"]
    visit.check(page, "form")

    url = f"https://social.example/p/{device}-{language}-{'js' if scripts else 'nojs'}"
    report = Report(name="Chen Jing", email="chen@example.com", url=url,
                    explanation="My home address was posted without my consent.",
                    harms=("self_harm_risk",))
    fill_report(page, report, evidence_file(tmp_path))
    switch_language(page, OTHER[language])
    assert page.locator("#id_complainant_name").input_value() == report.name
    assert page.locator("#id_item_url_0").input_value() == url
    assert page.locator("#id_explanation").input_value() == report.explanation
    assert page.locator("input[name=harms][value=self_harm_risk]").is_checked()
    visit.check(page, "form after switching language")
    switch_language(page, language)
    assert page.locator("#id_complainant_email").input_value() == report.email
    assert page.locator("input[name=disclosed_info][value=home_address]").is_checked()
    # A browser never keeps a chosen file across a page load: the victim attaches it again.
    page.locator("#id_evidence").set_input_files(str(evidence_file(tmp_path)))
    page.locator("#id_good_faith_declaration").check()
    page.get_by_role("button", name=words["send"]).click()

    page.locator("h1", has_text=words["received"]).wait_for()
    reference = page.locator(".reference").inner_text().strip()
    assert re.fullmatch(r"TD-\d{4}-\d{6}", reference), reference
    assert words["crisis"] in page.locator("#crisis-support").inner_text()
    assert page.locator("#crisis-support a[href^='tel:']").count() >= 2
    deadline = page.locator(".deadline time")
    assert deadline.inner_text().endswith(f"({zone})"), deadline.inner_text()
    tracking_url = page.locator("#tracking-link").inner_text().strip()
    assert tracking_url.startswith(f"{product.url}/track/"), tracking_url
    visit.check(page, "receipt")

    page.goto(tracking_url)
    assert page.locator("[data-status]").first.get_attribute("data-status") == "received"
    assert page.locator(".status").inner_text().strip() == words["status"]
    assert reference in page.locator("h1").inner_text()
    assert words["crisis"] in page.locator("#crisis-support").inner_text()
    assert page.locator("#status .deadline time").inner_text().endswith(f"({zone})")
    assert "screenshot.png" in page.locator("#evidence").inner_text()
    visit.check(page, "tracking")

    with page.expect_download() as waiting:
        page.locator(".evidence-pack a[download]").click()
    pack = tmp_path / "evidence-pack.pdf"
    waiting.value.save_as(pack)
    # The pack's embedded font maps glyphs two bytes wide; pypdf leaves a NUL before each.
    text = "".join(p.extract_text() for p in PdfReader(pack).pages).replace("\x00", "")
    assert reference in text
    assert words["home_address"] in text  # the pack speaks the victim's language


def test_every_printed_tracking_link_opens_its_report(product, demo, new_context, visit):
    """The links ``seed_demo`` prints for ``make run`` lead to the served port and their report."""
    assert len(demo.tracking) >= 4, demo.output
    page = new_context().new_page()
    for reference, link in sorted(demo.tracking.items()):
        assert link.startswith(f"{product.url}/track/"), link
        page.goto(link)
        assert page.locator("h1").inner_text() == f"Report {reference}"
        assert page.locator("[data-status]").first.get_attribute("data-status") in {"received", "incomplete"}
    visit.check(page, "last demo report")
