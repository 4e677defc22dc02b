"""A senior moderator's day: the overdue demo notice shows on the deadline board with its
breach recorded by the real scheduler's sweep, and a complainant's appeal against a
colleague's decision is decided by the senior, which the complainant then sees."""

from __future__ import annotations

import time

import pytest

from tests.journeys.steps import Report, decide, evidence_file, file_report, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.journey]

BREACH_WAIT_SECONDS = 90  # the beat sweeps every 30 s; the first sweep may wait for start-up


def test_senior_sees_the_breach_and_decides_an_appeal(product, demo, new_context, visit, tmp_path):
    page = new_context().new_page()
    staff_login(page, product, demo.staff["senior"])
    assert page.url.endswith("/staff/deadlines/")  # a senior's home is the deadline board
    case_link = page.locator(f"a:text-is('{demo.overdue_reference}')")
    row = page.locator("section[aria-labelledby=open-heading] tbody tr", has=case_link)
    deadline = time.monotonic() + BREACH_WAIT_SECONDS
    while "breach recorded" not in row.inner_text() and time.monotonic() < deadline:
        time.sleep(2)
        page.reload()
    overdue = row.inner_text()
    assert "overdue by" in overdue and "breach recorded" in overdue, overdue
    breach = page.locator("section[aria-labelledby=breach-heading] tbody tr", has=case_link).inner_text()
    assert "still open" in breach
    assert page.locator("h1").inner_text() == "Response deadlines"
    visit.check(page, "deadline board")

    victim = new_context().new_page()
    filed = file_report(victim, product, Report(
        name="Zhao Lei", email="zhao.lei@example.com", url="https://blog.example/post/senior-journey",
        explanation="A blog post gives my phone number and tells readers to call me at night.",
        disclosed=("phone",)), evidence_file(tmp_path))
    moderator = new_context().new_page()
    staff_login(moderator, product, demo.staff["moderator"])
    moderator.goto(f"{product.url}/staff/cases/{filed.reference}/")
    moderator.locator("#claim-button").click()
    moderator.locator("#claim", has_text="Reviewed by moderator").wait_for()
    decide(moderator, measure="no_action", facts="The post names a number but no person.",
           legal_ground="Terms of service 4.2", explanation="We could not link the number in the post to you.")
    moderator.locator("text=Decision recorded").wait_for()

    victim.goto(filed.tracking_url)
    victim.locator("#outcome summary", has_text="Appeal this decision").click()
    victim.locator("textarea[name=grounds]").fill(
        "The post also shows my name next to the number; the second screenshot proves it.")
    victim.get_by_role("button", name="Send appeal").click()
    victim.locator("#outcome .appeal[data-state=open]").wait_for()
    appealed = victim.locator("#outcome article.decision[data-measure=no_action]")
    # Once lodged, the appeal is no longer offered: the page says it is being reviewed.
    assert appealed.locator(".appeal-closed[data-appeal=open]").count() == 1
    assert appealed.locator("textarea[name=grounds]").count() == 0
    assert "Appeal this decision" not in appealed.inner_text()
    visit.check(victim, "appeal sent")

    page.goto(f"{product.url}/staff/appeals/")
    appeal_row = page.locator("main table tbody tr", has_text=filed.reference)
    assert "moderator" in appeal_row.inner_text()
    visit.check(page, "open appeals")
    appeal_row.get_by_role("link", name=filed.reference).click()
    appeal = page.locator("#decisions .appeal", has_text="The post also shows my name next to the number")
    appeal.locator("select[name=outcome]").select_option("reversed")
    appeal.locator("textarea[name=reasons]").fill(
        "The screenshot shows the name beside the number: the post identifies the complainant.")
    appeal.locator("select[name=new_measure]").select_option("remove")
    appeal.locator("input[name=legal_ground]").fill("Civil Code Art. 1034")
    visit.check(page, "case with the appeal")
    appeal.get_by_role("button", name="Decide the appeal").click()
    page.locator("text=Appeal decided.").wait_for()
    assert page.locator("#decisions article.decision[data-measure=remove]").count() == 1

    victim.goto(filed.tracking_url)
    outcome = victim.locator("#outcome")
    assert outcome.locator(".appeal").first.get_attribute("data-state") == "reversed"
    assert "The screenshot shows the name beside the number" in outcome.inner_text()
    assert outcome.locator("article.decision[data-measure=remove]").count() == 1
    reversed_decision = outcome.locator("article.decision[data-measure=no_action]")
    assert reversed_decision.get_attribute("data-state") == "reversed"
    assert reversed_decision.locator(".appeal-closed[data-appeal=reversed]").count() == 1
    assert reversed_decision.locator("textarea[name=grounds]").count() == 0
    visit.check(victim, "appeal decided")
