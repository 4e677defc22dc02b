"""The moderator's workspace in a real browser: keyboard shortcuts (never while typing),
the evidence view toggled in place and remembered on the server, and a reply that the
complainant then reads on their tracking page."""

from __future__ import annotations

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from complaints.models import Message
from complaints.services import (
    ComplaintInput,
    UploadedEvidence,
    complaint_add_evidence,
    complaint_submit,
)
from moderation import accounts
from moderation.models import Claim, StaffPreference
from tests.conftest import make_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-password-2"


def log_in(page, live_server, username: str):
    user = accounts.staff_create(username=username, role="moderator", password=PASSWORD).user
    page.goto(f"{live_server.url}/staff/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    device = TOTPDevice.objects.get(user=user)
    page.locator("#id_code").fill(f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("h1:has-text('Review queue')")
    return user


def notice(name: str, kinds: list[str], harms: list[str] = ()):
    return complaint_submit(data=ComplaintInput(
        complainant_name=name, complainant_email=f"{name.split()[0].lower()}@example.com",
        items=[("https://social.example/p/1", "")], disclosed_info=kinds, harms=list(harms),
        explanation="My details were posted.", evidence_excerpt="Lives at 12 Example Road", good_faith_declaration=True,
    ), channel="web")


def test_queue_and_case_shortcuts_work_and_never_fire_while_typing(page, live_server):
    urgent = notice("Chen Jing", ["home_address"], ["threats"]).complaint
    routine = notice("Zhang Wei", ["other"]).complaint
    complaint_add_evidence(complaint=urgent, files=[UploadedEvidence("shot.png", make_png())])
    user = log_in(page, live_server, "mod-keys")

    page.wait_for_selector("html[data-shortcuts=on]")
    assert page.locator("#shortcuts kbd", has_text="j").count() == 1
    page.keyboard.press("j")
    assert page.locator("tr.selected").get_attribute("data-reference") == urgent.reference
    page.keyboard.press("j")
    assert page.locator("tr.selected").get_attribute("data-reference") == routine.reference
    page.keyboard.press("k")
    page.keyboard.press("c")  # claims the selected, most urgent case
    page.wait_for_selector("text=You are reviewing this case.")
    assert Claim.objects.get(state="active").complaint_id == urgent.pk
    assert page.url.endswith(f"/staff/cases/{urgent.reference}/")
    page.wait_for_selector("html[data-shortcuts=on]")

    # r reveals the evidence; d goes to the decision; typing "n" in the reply box stays typing.
    page.keyboard.press("r")
    assert page.locator("#evidence details.sensitive[open]").count() == 2
    page.keyboard.press("d")
    assert page.evaluate("document.activeElement.id") == "id_measure"
    page.locator("#reply-body").fill("")
    page.locator("#reply-body").type("nrdc")
    assert page.locator("#reply-body").input_value() == "nrdc"
    assert page.url.endswith(f"/staff/cases/{urgent.reference}/")
    page.locator("#reply-body").blur()
    page.keyboard.press("n")
    page.wait_for_url(f"**/staff/cases/{routine.reference}/")
    page.wait_for_selector("html[data-shortcuts=on]")
    # Not claimed by this moderator: the decision form stays disabled.
    assert page.locator("#decide-button").is_disabled() and page.locator("#id_measure").is_disabled()
    page.keyboard.press("d")
    assert "Claim the case before deciding it." in page.locator("#shortcut-status").inner_text()
    assert Claim.objects.filter(moderator=user).count() == 1


def test_evidence_is_blurred_until_asked_and_the_choice_follows_the_moderator(page, live_server):
    complaint = notice("Chen Jing", ["home_address"]).complaint
    complaint_add_evidence(complaint=complaint, files=[UploadedEvidence("shot.png", make_png())])
    user = log_in(page, live_server, "mod-blur")
    page.goto(f"{live_server.url}/staff/cases/{complaint.reference}/")
    page.locator("#evidence details.sensitive summary").last.click()
    image = page.locator("#evidence img.evidence-content")
    image.wait_for()
    assert "blur" in image.evaluate("el => getComputedStyle(el).filter")
    assert "grayscale" in image.evaluate("el => getComputedStyle(el).filter")
    page.locator("#evidence-view-toggle").click()
    page.wait_for_selector("#evidence.evidence-clear")
    assert image.evaluate("el => getComputedStyle(el).filter") == "none"
    assert page.locator("#evidence-view-toggle").inner_text() == "Blur and grey evidence again"
    assert StaffPreference.objects.get(user=user).evidence_clear is True
    page.reload()
    assert page.locator("#evidence.evidence-clear").count() == 1


def test_a_reply_typed_on_the_case_page_shows_on_the_tracking_page(page, live_server):
    submission = notice("Chen Jing", ["home_address"])
    complaint = submission.complaint
    Message.objects.create(complaint=complaint, author="complainant", body="They posted it again today.",
                           created_at=complaint.received_at)
    log_in(page, live_server, "mod-reply")
    row = page.locator(f'tr[data-reference="{complaint.reference}"]')
    assert row.get_attribute("data-unread") == "1"
    row.locator("a.case-link").click()
    assert page.locator("#conversation li.unread").inner_text().count("They posted it again today.") == 1
    page.locator("#reply-body").fill("Thank you, we are looking at the new post.")
    page.locator("#reply-button").click()
    page.wait_for_selector("text=Reply sent")
    assert page.locator("#conversation li.entry-reply").count() == 1
    page.goto(submission.tracking_url.replace("http://127.0.0.1:8000", live_server.url))
    reply = page.locator("#messages li.from-platform")
    assert "Thank you, we are looking at the new post." in reply.inner_text()
    assert "mod-reply" not in page.content()


def test_the_queue_and_the_case_page_pass_axe(page, live_server):
    from tests.journeys.axe import BLOCKING, PageChecker, describe, script_path

    held = notice("Chen Jing", ["home_address"], ["threats"]).complaint
    notice("Zhang Wei", ["phone"])
    notice("Li Na", ["other"])
    complaint_add_evidence(complaint=held, files=[UploadedEvidence("shot.png", make_png())])
    Message.objects.create(complaint=held, author="complainant", body="Please hurry.", created_at=held.received_at)
    from preservation.holds import place_hold

    place_hold(complaints=[held], reason="Court order", actor="system")
    log_in(page, live_server, "mod-axe")
    checker = PageChecker("staff-workspace", script_path())
    for path in ("/staff/queue/", f"/staff/cases/{held.reference}/", "/staff/misuse/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        violations = [v for v in checker.violations(page) if v["impact"] in BLOCKING]
        assert not violations, f"{path}:\n{describe(violations)}"
    # The colour contrast of the priority labels, checked by axe's own rule above, and
    # the table's structure as a screen reader meets it.
    page.goto(live_server.url + "/staff/queue/")
    headers = page.locator("#queue-table thead th")
    assert headers.count() == 8 and all(headers.nth(i).get_attribute("scope") == "col" for i in range(8))
    assert page.locator("#queue-table caption").inner_text().startswith("Open cases, most urgent first")
