"""A moderator logs in with the second factor, claims the top case and decides it; the
complainant's tracking page then shows the outcome. Real browser, real server."""

from __future__ import annotations

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from complaints.services import ComplaintInput, complaint_submit
from hostplatform.models import DemoPlatformAction
from moderation import accounts
from moderation.models import Decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-password-1"


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def test_moderator_logs_in_with_totp_claims_the_top_case_and_decides_it(page, live_server):
    moderator = accounts.staff_create(username="mod-browser", role="moderator", password=PASSWORD).user
    routine = complaint_submit(data=ComplaintInput(
        complainant_name="Zhang Wei", complainant_email="zhang@example.com",
        items=[("https://forum.example/t/1", "")], disclosed_info=["other"],
        explanation="A nickname was posted.", evidence_excerpt="nickname", good_faith_declaration=True,
    ), channel="web")
    urgent = complaint_submit(data=ComplaintInput(
        complainant_name="Chen Jing", complainant_email="chen@example.com",
        items=[("https://social.example/p/1", "my address")], disclosed_info=["home_address"], harms=["threats"],
        explanation="My home address was posted with threats.", evidence_excerpt="Lives at 12 Example Road",
        good_faith_declaration=True,
    ), channel="web")

    page.goto(f"{live_server.url}/staff/queue/")
    assert "/staff/login/" in page.url
    page.locator("#id_username").fill("mod-browser")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.locator("#id_code").fill(current_code(moderator))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("h1:has-text('Review queue')")

    top = page.locator("table.queue tbody tr").first
    assert top.get_attribute("data-reference") == urgent.complaint.reference  # P0 before P2
    assert routine.complaint.reference in page.content()
    top.get_by_role("button", name="Claim").click()
    page.wait_for_selector("text=You are reviewing this case.")

    page.locator("#id_measure").select_option("remove")
    page.locator("#id_facts").fill("The post shows the complainant's home address next to a threat.")
    page.locator("#id_legal_ground").fill("Civil Code Art. 1034; PIPL Art. 28")
    page.locator("#id_explanation").fill("A private home address may not be published without consent.")
    page.locator("#decide-button").click()
    page.wait_for_selector("text=Decision recorded")
    assert page.locator("article.decision[data-measure=remove]").count() == 1

    decision = Decision.objects.get(complaint=urgent.complaint)
    assert decision.decided_by == moderator
    assert DemoPlatformAction.objects.filter(event="measure.apply").count() == 1

    page.goto(urgent.tracking_url.replace("http://127.0.0.1:8000", live_server.url))
    outcome = page.locator("#outcome")
    assert "Remove the content" in outcome.inner_text()
    assert "mod-browser" not in page.content()
    assert page.locator("[data-status=decided]").count() == 1
