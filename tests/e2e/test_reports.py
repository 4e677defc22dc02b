"""In a real browser: the transparency page draws its charts; a victim downloads the
evidence pack from the tracking page and the pack's text is read back."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from takedown import roles
from tests.reports.conftest import decide, make_staff, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_transparency_page_renders_charts_and_changes_period(page, live_server):
    senior = make_staff("senior-e2e", roles.SENIOR_MODERATOR)
    decide(submit(disclosed=["home_address"]).complaint, senior, "remove")
    submit(disclosed=["whereabouts"], harms=["threats"])
    page.goto(f"{live_server.url}/transparency/")
    charts = page.locator("svg.chart")
    assert charts.count() == 4
    # The charts draw real bars with their numbers written out.
    assert page.locator("svg.chart rect.bar").count() >= 4
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 10
    assert page.get_by_text("2 notices received.").is_visible()
    page.fill("#from", "2020-01-01")
    page.fill("#to", "2020-12-31")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/transparency/?from=2020-01-01&to=2020-12-31")
    assert page.get_by_text("0 notices received.").is_visible()


def test_victim_downloads_the_evidence_pack_and_it_reads_back(phone_page, live_server):
    senior = make_staff("senior-e2e2", roles.SENIOR_MODERATOR)
    submission = submit(disclosed=["home_address"])
    decide(submission.complaint, senior, "remove")
    phone_page.goto(f"{live_server.url}/track/{submission.token}/")
    with phone_page.expect_download() as info:
        phone_page.get_by_role("link", name="Download the evidence pack (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"evidence-pack-{submission.complaint.reference}.pdf"
    data = open(download.path(), "rb").read()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\x00", "")
    compact = text.replace("\n", "")
    assert submission.complaint.reference in text
    assert "Content removed" in text
    assert "https://social.example/p/1" in compact
    assert "How to verify this document" in text
