"""A moderator logs in with the second factor, finds a victim's new report in the queue
with its unread message, reads the message and answers it, claims the case by keyboard
and decides it with a statement of reasons; the victim's tracking page then shows the
reply and the outcome."""

from __future__ import annotations

import pytest

from tests.journeys.steps import Report, decide, evidence_file, file_report, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.journey]


def test_moderator_claims_and_decides_a_new_report(product, demo, new_context, visit, tmp_path):
    victim = new_context(locale="en-GB").new_page()
    filed = file_report(victim, product, Report(
        name="Li Na", email="li.na@example.com", url="https://forum.example/t/moderator-journey",
        explanation="A thread shows my home address and says people should visit.",
        harms=("threats",)), evidence_file(tmp_path))
    victim.goto(filed.tracking_url)
    victim.locator("textarea[name=body]").fill("Is anyone looking at this? I am scared to go home.")
    victim.get_by_role("button", name="Send message").click()
    victim.locator("#messages", has_text="I am scared to go home.").wait_for()

    page = new_context().new_page()
    staff_login(page, product, demo.staff["moderator"])
    assert page.url.endswith("/staff/queue/")
    assert page.locator("h1").inner_text() == "Review queue"
    row = page.locator(f"#queue-table tbody tr[data-reference='{filed.reference}']")
    assert row.locator(".priority").inner_text() == "P0"  # threats with a home address
    assert row.get_attribute("data-unread") == "1"
    assert "1 unread" in row.inner_text()
    visit.check(page, "queue")

    row.locator("a.case-link").click()
    page.locator("h1", has_text=filed.reference).wait_for()
    notice = page.locator("#notice").inner_text()
    assert "A thread shows my home address and says people should visit." in notice
    assert "https://forum.example/t/moderator-journey" in notice
    assert "screenshot.png" in page.locator("#evidence").inner_text()
    # Revealed evidence is blurred and grey until the moderator asks to see it clearly.
    page.locator("#evidence details.sensitive summary", has_text="screenshot.png").click()
    image = page.locator("#evidence img.evidence-content")
    image.wait_for()
    assert "blur" in image.evaluate("element => getComputedStyle(element).filter")
    message = page.locator("#conversation-list li[data-kind=message]", has_text="I am scared to go home.")
    assert message.get_attribute("data-unread") == "1"
    assert "Complainant" in message.inner_text()
    # Deciding is locked until the case is the moderator's own.
    assert page.locator("#decide-button").is_disabled()
    visit.check(page, "case")

    page.locator("#reply-body").fill("Yes: we are reviewing your report now and will act on it today.")
    page.locator("#reply-button").click()
    page.locator("text=Reply sent").wait_for()
    reply = page.locator("#conversation-list li", has_text="we are reviewing your report now")
    assert "Desk (moderator)" in reply.inner_text()
    assert page.locator("#conversation-list li[data-unread]").count() == 0

    page.locator("body").press("c")  # the keyboard shortcut claims the case
    page.locator("#claim", has_text="Reviewed by moderator").wait_for()
    assert page.locator("#decide-button").is_enabled()
    decide(page, measure="remove",
           facts="The thread shows a residential address next to a call to visit it.",
           legal_ground="Civil Code Art. 1034; PIPL Art. 28",
           explanation="A private home address may not be published without consent.")
    page.locator("text=Decision recorded").wait_for()
    decision = page.locator("#decisions article.decision")
    assert decision.get_attribute("data-measure") == "remove"
    assert "A private home address may not be published without consent." in decision.inner_text()
    visit.check(page, "decided")

    victim.goto(filed.tracking_url)
    answer = victim.locator("#messages li", has_text="we are reviewing your report now").inner_text()
    assert "moderator" not in answer.replace("A moderator", "")  # the desk answers, no staff name
    assert victim.locator("[data-status]").first.get_attribute("data-status") == "decided"
    outcome = victim.locator("#outcome").inner_text()
    assert "Remove the content" in outcome
    assert "A private home address may not be published without consent." in outcome
    timeline = victim.locator("#timeline").inner_text()
    assert "A moderator started reviewing your report" in timeline and "Decision taken" in timeline
    visit.check(victim, "victim sees the outcome")
