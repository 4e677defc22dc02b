"""Staff pages: legal requests, the investigator's case view, holds, the export progress page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from preservation.models import Export, LegalHold, LegalRequest

pytestmark = pytest.mark.django_db


def test_registrar_registers_a_request_through_the_form(make_complaint, make_user, browser_session):
    complaint = make_complaint()
    make_user("ines", "investigator")
    client = browser_session(make_user("sam", "senior_moderator"))
    assert client.get("/staff/legal-requests/").status_code == 200
    response = client.post(
        "/staff/legal-requests/",
        {
            "authority": "City Police",
            "reference_number": "CP-77",
            "legal_basis": "Court order 12/2026",
            "requesting_officer": "Insp. Wang",
            "scope_references": complaint.reference,
            "expires_at": (timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "investigators": "ines",
        },
    )
    request = LegalRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/legal-requests/{request.pk}/"
    assert list(request.complaints.all()) == [complaint]
    page = client.get(f"/staff/legal-requests/{request.pk}/").content.decode()
    assert complaint.reference in page and "Court order 12/2026" in page


def test_form_errors_are_shown_not_raised(make_complaint, make_user, browser_session):
    make_user("ines", "investigator")
    client = browser_session(make_user("sam", "senior_moderator"))
    response = client.post(
        "/staff/legal-requests/",
        {
            "authority": "City Police",
            "reference_number": "CP-78",
            "legal_basis": "x",
            "requesting_officer": "y",
            "scope_references": "TD-2026-999999",
            "expires_at": (timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "investigators": "ines nobody",
        },
    )
    assert response.status_code == 400
    assert "Unknown accounts: nobody" in response.content.decode()
    assert not LegalRequest.objects.exists()


def test_investigator_case_page_shows_personal_data_and_logs_the_view(
    make_complaint, make_user, browser_session, legal_request_for
):
    covered, outside = make_complaint(), make_complaint()
    investigator = make_user("ines", "investigator")
    request = legal_request_for(investigator, [covered])
    client = browser_session(investigator)
    listing = client.get("/staff/legal-requests/").content.decode()
    assert request.reference_number in listing
    page = client.get(f"/staff/legal-requests/{request.pk}/cases/{covered.reference}/")
    assert page.status_code == 200
    assert "chen@example.com" in page.content.decode()
    assert AuditEvent.objects.filter(code="case.personal_data_viewed", details__channel="web").count() == 1
    assert client.get(f"/staff/legal-requests/{request.pk}/cases/{outside.reference}/").status_code == 404
    LegalRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/staff/legal-requests/{request.pk}/cases/{covered.reference}/").status_code == 404
    moderator = browser_session(make_user("mo", "moderator"))
    assert moderator.get("/staff/legal-requests/").status_code == 403


def test_hold_page_places_and_releases(make_complaint, make_user, browser_session):
    complaint = make_complaint()
    client = browser_session(make_user("sam", "senior_moderator"))
    response = client.post("/staff/holds/", {"cases": complaint.reference, "reason": "Preservation order"})
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    page = client.get("/staff/holds/").content.decode()
    assert hold.manifest_sha256 in page
    client.post(f"/staff/holds/{hold.pk}/release/")
    hold.refresh_from_db()
    assert hold.released_at is not None


def test_export_page_shows_progress_refreshes_while_running_and_links_when_done(
    make_complaint, make_user, browser_session, legal_request_for, django_capture_on_commit_callbacks
):
    complaint = make_complaint(evidence=True)
    investigator = make_user("ines", "investigator")
    request = legal_request_for(investigator, [complaint])
    client = browser_session(investigator)
    # queued (the task has not run yet): a progress bar and a refresh
    response = client.post("/staff/exports/", {"legal_request": request.pk})
    assert response.status_code == 302
    page = client.get("/staff/exports/").content.decode()
    assert '<meta http-equiv="refresh"' in page
    assert re.search(r'<progress max="100" value="0"', page)

    from preservation.exports import build_export

    build_export(Export.objects.get().pk)
    page = client.get("/staff/exports/").content.decode()
    assert '<meta http-equiv="refresh"' not in page
    assert 'value="100"' in page
    link = re.search(r'href="(/staff/exports/\d+/download\?token=[^"]+)"', page).group(1)
    download = client.get(link.replace("&amp;", "&"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert AuditEvent.objects.filter(code="export.downloaded").count() == 1
    refused = client.get(link.split("?")[0] + "?token=nope")
    assert refused.status_code == 403
