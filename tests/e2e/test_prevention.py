"""One-click protection in a real browser, without JavaScript: the victim's phone."""

from __future__ import annotations

import pytest

from complaints.services import ComplaintInput, complaint_submit
from hostplatform.models import WebhookDelivery
from prevention.models import Intervention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_victim_turns_on_protection_from_the_tracking_page_and_sees_it_active(browser, live_server):
    submission = complaint_submit(
        data=ComplaintInput(
            complainant_name="Zhou Min",
            complainant_email="zhou@example.com",
            items=[("https://social.example/p/9", "my phone and address")],
            disclosed_info=["phone", "home_address"],
            explanation="My phone number and home address were posted.",
            evidence_excerpt="电话 139 1234 5678",
            good_faith_declaration=True,
        ),
        channel="web",
    )
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/track/{submission.token}/")
        panel = page.locator("#protection")
        assert "Turn on protection" in panel.inner_text()
        page.fill("#protection-account", "@zhoumin")
        page.click("#protection button[type=submit]")

        page.wait_for_url(f"**/track/{submission.token}/**")
        status = page.locator('[data-protection="active"]')
        assert status.is_visible()
        intervention = Intervention.objects.get(complaint=submission.complaint)
        assert intervention.expires_at.strftime("%Y-%m-%d") in status.inner_text()
        assert "Protection turned on" in page.locator("#timeline").inner_text()
        assert WebhookDelivery.objects.filter(idempotency_key=f"intervention:{intervention.pk}:apply").exists()

        page.click("#protection button[type=submit]")  # "End protection now"
        page.wait_for_url(f"**/track/{submission.token}/**")
        assert "Turn on protection" in page.locator("#protection").inner_text()
        intervention.refresh_from_db()
        assert intervention.state == "lifted"
    finally:
        context.close()
