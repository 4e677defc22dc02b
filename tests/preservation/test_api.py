"""The preservation API: legal requests, holds, exports, investigator access."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from audit.models import AuditEvent
from audit.sequencer import key_name, public_key
from audit.verify import verify_package
from preservation.exports import export_path
from preservation.models import Export, LegalRequest

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    if code:
        assert error["code"] == code
    return error


def _register(client, references, investigators, **overrides):
    body = {
        "authority": "Metropolitan Police",
        "reference_number": "MP-2026-0042",
        "legal_basis": "Production order under s. 94",
        "scope_references": references,
        "requesting_officer": "DC Example 4471",
        "expires_at": (timezone.now() + timedelta(days=30)).isoformat(),
        "investigators": investigators,
    }
    body.update(overrides)
    return client.post("/api/v1/legal-requests/", body, format="json")


def test_investigator_sees_covered_cases_only_until_the_request_expires(make_complaint, make_user, token_client):
    covered, outside = make_complaint(), make_complaint()
    senior = token_client(make_user("sam", "senior_moderator"))
    investigator = make_user("ines", "investigator")
    ines = token_client(investigator)
    response = _register(senior, [covered.reference], ["ines"])
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    assert response.json()["cases"] == [covered.reference]
    assert AuditEvent.objects.filter(code="legal_request.registered").exists()

    record = ines.get(f"/api/v1/legal-requests/{request_id}/cases/{covered.reference}/")
    assert record.status_code == 200
    assert record.json()["complaint"]["complainant"]["email"] == "chen@example.com"
    assert any(e["code"] == "case.received" or e["code"].startswith("complaint") for e in record.json()["events"]) or record.json()["events"]
    # the view itself is logged
    assert AuditEvent.objects.filter(code="case.personal_data_viewed", target_id=str(covered.pk), actor=f"user:{investigator.pk}").exists()

    assert_error(ines.get(f"/api/v1/legal-requests/{request_id}/cases/{outside.reference}/"), 404)
    LegalRequest.objects.filter(pk=request_id).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert_error(ines.get(f"/api/v1/legal-requests/{request_id}/cases/{covered.reference}/"), 404)
    assert_error(ines.get(f"/api/v1/legal-requests/{request_id}/"), 404)


def test_only_registrars_register_requests_and_bad_values_are_422(make_complaint, make_user, token_client):
    complaint = make_complaint()
    make_user("ines", "investigator")
    moderator = token_client(make_user("mo", "moderator"))
    assert_error(_register(moderator, [complaint.reference], ["ines"]), 403)
    senior = token_client(make_user("sam", "senior_moderator"))
    # Well-formed requests naming no case (404), or whose values do not make a request (422).
    error = assert_error(_register(senior, ["TD-2026-999999"], ["ines"]), 404)
    assert "scope_references" in error["fields"]
    error = assert_error(_register(senior, [complaint.reference], ["mo"]), 422)
    assert "investigators" in error["fields"]
    error = assert_error(_register(senior, [complaint.reference], ["ines"], expires_at="2001-01-01T00:00:00Z"), 422)
    assert "expires_at" in error["fields"]


def test_hold_via_api_freezes_the_case_and_release_unfreezes(make_complaint, make_user, token_client):
    complaint = make_complaint()
    senior = token_client(make_user("sam", "senior_moderator"))
    response = senior.post("/api/v1/holds/", {"cases": [complaint.reference], "reason": "Preservation order"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["cases"] == [complaint.reference] and len(body["manifest_sha256"]) == 64
    from preservation.selectors import is_held
    assert is_held(complaint)
    released = senior.post(f"/api/v1/holds/{body['id']}/release/")
    assert released.status_code == 200 and released.json()["released_at"]
    assert not is_held(complaint)
    moderator = token_client(make_user("mo", "moderator"))
    assert_error(moderator.post("/api/v1/holds/", {"cases": [complaint.reference], "reason": "x"}, format="json"), 403)


def test_export_builds_a_package_that_verifies_and_a_changed_byte_is_found(
    make_complaint, make_user, token_client, legal_request_for, tmp_path, django_capture_on_commit_callbacks
):
    complaint = make_complaint(evidence=True)
    investigator = make_user("ines", "investigator")
    request = legal_request_for(investigator, [complaint])
    client = token_client(investigator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/exports/", {"legal_request": request.pk}, format="json")
    assert response.status_code == 202, response.content
    export_id = response.json()["id"]
    status = client.get(f"/api/v1/exports/{export_id}").json()
    assert status["state"] == "done" and status["progress"] == 100  # eager Celery in tests
    assert status["event_count"] >= 3
    export = Export.objects.get(pk=export_id)
    path = export_path(export)
    report = verify_package(path, public_key(), key_name())
    assert report.ok, report.problem
    assert AuditEvent.objects.filter(code="export.requested", target_id=str(export_id)).exists()
    assert AuditEvent.objects.filter(code="export.completed", details__sha256=export.sha256).exists()

    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        bag_info = package.read(f"{export.bag_name}/bag-info.txt").decode()
        events = package.read(f"{export.bag_name}/data/events.jsonl").decode().splitlines()
        assert "Legal-Request-Reference: " + request.reference_number in bag_info
        assert f"Exporter: user:{investigator.pk} ines" in bag_info
        assert f"{export.bag_name}/data/cases/{complaint.reference}/record.json" in names
        evidence = complaint.evidence.get()
        packed = [n for n in names if f"/data/cases/{complaint.reference}/evidence/" in n]
        assert len(packed) == 1
        with evidence.original.open("rb") as original:
            assert package.read(packed[0]) == original.read()  # the original, unchanged
    assert any('"code":"case.exported"' in line for line in events)

    # download through the expiring link
    download = client.get(status["download_url"])
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    assert data == path.read_bytes()
    assert_error(client.get(f"/api/v1/exports/{export_id}/download?token=forged"), 403, "bad_link")

    # a byte changed inside an event line is found by the verifier and the command
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename.endswith("data/events.jsonl"):
                content = content.replace(b'"actor":"system"', b'"actor":"systen"', 1) if b'"actor":"system"' in content else content.replace(b"user:", b"usex:", 1)
            dst.writestr(info, content)
    bad = verify_package(tampered, public_key(), key_name())
    assert not bad.ok and "events.jsonl" in bad.problem
    with pytest.raises(CommandError, match="NOT INTACT"):
        call_command("export_verify", str(tampered))
    out = io.StringIO()
    call_command("export_verify", str(path), stdout=out)
    assert out.getvalue().startswith("intact")


def test_export_refused_outside_a_live_request(make_complaint, make_user, token_client, legal_request_for):
    complaint, other = make_complaint(), make_complaint()
    investigator = make_user("ines", "investigator")
    request = legal_request_for(investigator, [complaint])
    client = token_client(investigator)
    error = assert_error(client.post("/api/v1/exports/", {"legal_request": request.pk, "cases": [other.reference]}, format="json"), 400)
    assert "cases" in error["fields"]
    stranger = token_client(make_user("ivo", "investigator"))
    assert_error(stranger.post("/api/v1/exports/", {"legal_request": request.pk}, format="json"), 403)
    LegalRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(client.post("/api/v1/exports/", {"legal_request": request.pk}, format="json"), 403)
    assert not Export.objects.exists()


def test_build_is_idempotent_and_restarts_only_an_abandoned_build(make_complaint, make_user, legal_request_for):
    from preservation.exports import build_export, export_request

    complaint = make_complaint()
    investigator = make_user("ines", "investigator")
    request = legal_request_for(investigator, [complaint])
    export = export_request(user=investigator, legal_request=request)
    Export.objects.filter(pk=export.pk).update(state="running", started_at=timezone.now())
    assert build_export(export.pk).state == "running"  # another worker is on it
    Export.objects.filter(pk=export.pk).update(started_at=timezone.now() - timedelta(hours=4))
    assert build_export(export.pk).state == "done"  # that worker died: built again
    first_sha = Export.objects.get(pk=export.pk).sha256
    assert build_export(export.pk).sha256 == first_sha  # done stays done


def test_revoking_a_request_ends_access_at_once(make_complaint, make_user, token_client, legal_request_for):
    complaint = make_complaint()
    investigator = make_user("ines", "investigator")
    request = legal_request_for(investigator, [complaint])
    ines = token_client(investigator)
    case_url = f"/api/v1/legal-requests/{request.pk}/cases/{complaint.reference}/"
    assert ines.get(case_url).status_code == 200
    assert_error(ines.post(f"/api/v1/legal-requests/{request.pk}/revoke/"), 403)
    senior = token_client(make_user("sam", "senior_moderator"))
    response = senior.post(f"/api/v1/legal-requests/{request.pk}/revoke/")
    assert response.status_code == 200 and response.json()["live"] is False
    assert_error(ines.get(case_url), 404)
    assert AuditEvent.objects.filter(code="legal_request.revoked", target_id=str(request.pk)).exists()
