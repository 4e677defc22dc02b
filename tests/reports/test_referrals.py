"""Referrals: proposals, the API, the package, the log, the staff pages."""

import pytest

from audit.models import AuditEvent
from reports.models import Referral
from reports.referrals import propose_referral, referral_send
from takedown import roles
from tests.reports.conftest import decide, make_staff, submit, token_client, verified_client


def test_propose_referral_is_idempotent_per_subject_and_authority_while_open(db):
    complaint = submit().complaint
    first = propose_referral(subject=complaint, authority="cac", reason="Wide spread", actor="system")
    again = propose_referral(subject=complaint, authority="cac", reason="Again", actor="system")
    assert again.pk == first.pk and again.reason == "Wide spread"
    other = propose_referral(subject=complaint, authority="procuratorate", reason="Minor", actor="system")
    assert other.pk != first.pk
    first_closed = referral_send(referral=first, actor="user:1")
    from reports.referrals import referral_close

    referral_close(referral=first_closed, actor="user:1", note="Authority opened a file")
    reopened = propose_referral(subject=complaint, authority="cac", reason="New spread", actor="system")
    assert reopened.pk != first.pk


def test_propose_referral_accepts_an_alert_or_incident_by_type_and_id(db):
    referral = propose_referral(subject=("alert", 42), authority="public_security", reason="Sharp rise", actor="system")
    assert (referral.subject_type, referral.subject_id, referral.complaint_id) == ("alert", 42, None)


def test_unknown_authority_is_refused(db):
    from takedown.exceptions import InvalidInput

    with pytest.raises(InvalidInput):
        propose_referral(subject=("alert", 1), authority="interpol", reason="x", actor="system")


def test_api_creates_and_sends_a_referral_with_a_package_of_hashes_decisions_and_audit(db, senior, make_png=None):
    from complaints.services import UploadedEvidence
    from tests.conftest import make_png

    submission = submit(files=[UploadedEvidence("shot.png", make_png())])
    complaint = submission.complaint
    decide(complaint, senior)
    client = token_client(make_staff("mod9", roles.MODERATOR))
    response = client.post(
        f"/api/v1/cases/{complaint.reference}/referrals",
        {"authority": "public_security", "reason": "Threats followed the posting", "send": True, "note": "By courier"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "sent" and body["case_reference"] == complaint.reference
    assert [s["status"] for s in body["steps"]] == ["proposed", "sent"]
    assert len(body["package_sha256"]) == 64

    detail = client.get(f"/api/v1/referrals/{body['id']}").json()
    package = detail["package"]
    case = package["cases"][0]
    assert case["reference"] == complaint.reference
    assert case["evidence"][0]["sha256"] == complaint.evidence.get().sha256
    assert case["statements_of_reasons"][0]["measure"] == "remove"
    assert case["assessment"]["level"] == "none"
    assert any(e["event"]["code"] == "complaint.submitted" and len(e["leaf_hash"]) == 64 for e in package["audit"]["events"])
    assert "inclusion proof" in package["audit"]["how_to_verify"]
    # The authority gets the complainant's contact; at rest it is encrypted, not in the JSON.
    assert case["complainant"]["email"] == "chen@example.com"
    stored = Referral.objects.filter(pk=body["id"]).values_list("package", "contacts")[0]
    assert "chen@example.com" not in str(stored[0])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT contacts FROM reports_referral WHERE id = %s", [body["id"]])
        assert "chen@example.com" not in cursor.fetchone()[0]
    from reports.referrals import package_digest

    assert package_digest(package) == body["package_sha256"]
    # The audit log gets the package's digest, never its contents (contact data).
    sent = AuditEvent.objects.get(code="referral.sent", target_type="referral")
    assert sent.details["package_sha256"] == body["package_sha256"]
    assert "chen@example.com" not in str(sent.details)


def test_api_repeat_proposal_returns_the_open_referral_with_200(db):
    complaint = submit().complaint
    client = token_client(make_staff("mod9", roles.MODERATOR))
    url = f"/api/v1/cases/{complaint.reference}/referrals"
    first = client.post(url, {"authority": "cac", "reason": "Spread"}, format="json")
    second = client.post(url, {"authority": "cac", "reason": "Spread"}, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert len(client.get(url).json()) == 1


def test_status_updates_follow_the_lifecycle_and_refuse_jumps(db):
    complaint = submit().complaint
    client = token_client(make_staff("mod9", roles.MODERATOR))
    created = client.post(
        f"/api/v1/cases/{complaint.reference}/referrals", {"authority": "cac", "reason": "Spread"}, format="json"
    ).json()
    url = f"/api/v1/referrals/{created['id']}/status"
    jump = client.post(url, {"status": "acknowledged"}, format="json")
    assert jump.status_code == 409 and jump.json()["error"]["code"] == "referral_state"
    assert client.post(url, {"status": "sent"}, format="json").json()["status"] == "sent"
    acked = client.post(url, {"status": "acknowledged", "authority_reference": "CAC-2026-77"}, format="json").json()
    assert acked["status"] == "acknowledged" and acked["authority_reference"] == "CAC-2026-77"
    no_note = client.post(url, {"status": "closed"}, format="json")
    assert no_note.status_code == 400 and "note" in no_note.json()["error"]["fields"]
    closed = client.post(url, {"status": "closed", "note": "Case opened by the authority"}, format="json").json()
    assert [s["status"] for s in closed["steps"]] == ["proposed", "sent", "acknowledged", "closed"]
    codes = list(AuditEvent.objects.filter(target_type="referral").order_by("id").values_list("code", flat=True))
    assert codes == ["referral.proposed", "referral.sent", "referral.acknowledged", "referral.closed"]


def test_referral_api_is_staff_only_and_unknown_case_is_404(db):
    complaint = submit().complaint
    url = f"/api/v1/cases/{complaint.reference}/referrals"
    flagger = token_client(make_staff("flagger", roles.TRUSTED_FLAGGER))
    assert flagger.post(url, {"authority": "cac", "reason": "x"}, format="json").status_code == 403
    moderator = token_client(make_staff("mod9", roles.MODERATOR))
    missing = moderator.post("/api/v1/cases/TD-2026-999999/referrals", {"authority": "cac", "reason": "x"}, format="json")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    bad = moderator.post(url, {"authority": "fbi", "reason": ""}, format="json")
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"authority", "reason"}


def test_staff_page_lists_open_referrals_and_records_a_decline(db):
    complaint = submit(harms=["threats"]).complaint
    referral = Referral.objects.get(complaint=complaint)
    client = verified_client(make_staff("mod9", roles.MODERATOR))
    page = client.get("/staff/referrals/")
    assert page.status_code == 200 and complaint.reference in page.content.decode()
    detail = client.get(f"/staff/referrals/{referral.pk}/").content.decode()
    assert "Threat to life or safety" in detail and 'value="declined"' in detail
    refused = client.post(f"/staff/referrals/{referral.pk}/", {"action": "declined", "note": ""})
    assert refused.status_code == 400
    done = client.post(f"/staff/referrals/{referral.pk}/", {"action": "declined", "note": "Police already on it"})
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "declined" and referral.steps.last().note == "Police already on it"


def test_staff_pages_need_a_verified_staff_session(db):
    from django.test import Client

    assert Client().get("/staff/referrals/").status_code == 302
    flagger = verified_client(make_staff("flagger", roles.TRUSTED_FLAGGER))
    assert flagger.get("/staff/referrals/").status_code == 403


def test_assessment_api_shows_the_explanation_and_accepts_staff_findings(db):
    complaint = submit(disclosed=["whereabouts"]).complaint
    client = token_client(make_staff("mod9", roles.MODERATOR))
    url = f"/api/v1/cases/{complaint.reference}/assessment"
    shown = client.get(url).json()
    assert shown["level"] == "none" and "1 item of whereabouts information: 2 % of the threshold of 50" in shown["explanation"]
    zh = client.get(url + "?lang=zh-hans").json()
    assert "行踪轨迹信息 1 条：达到 50 条标准的 2 %" in zh["explanation"]
    posted = client.post(url, {"counts": {"whereabouts": 60}, "used_for_crime": True}, format="json").json()
    assert posted["level"] == "serious" and "public_security" in posted["proposed_referrals"]
    bad = client.post(url, {"counts": {"shoe_size": 3}}, format="json")
    assert bad.status_code == 400 and "counts" in bad.json()["error"]["fields"]


def test_package_carries_inclusion_proofs_that_lead_to_the_signed_checkpoint_root(db):
    from audit import merkle, sequencer
    from audit.checkpoint import parse_verifier_key, verify_checkpoint
    from reports.referrals import referral_send

    complaint = submit(harms=["threats"]).complaint
    referral = Referral.objects.get(complaint=complaint)
    sequencer.sequence_and_checkpoint()
    sent = referral_send(referral=referral, actor="user:1", note="sent")
    audit = sent.package["audit"]
    name, key = parse_verifier_key(audit["verifier_key"])
    checkpoint = verify_checkpoint(audit["checkpoint"], key, name)
    proven = [e for e in audit["events"] if "index" in e]
    assert {e["event"]["code"] for e in proven} >= {"complaint.submitted", "referral.proposed"}
    for entry in proven:
        path = [bytes.fromhex(h) for h in entry["inclusion_proof"]]
        assert merkle.verify_inclusion(
            bytes.fromhex(entry["leaf_hash"]), entry["index"], checkpoint.tree_size, path, checkpoint.root_hash
        )


def test_case_page_form_proposes_and_sends_a_referral(db):
    complaint = submit().complaint
    client = verified_client(make_staff("mod9", roles.MODERATOR))
    page = client.get(f"/staff/cases/{complaint.reference}/").content.decode()
    assert 'action="/staff/referrals/"' in page and f'value="{complaint.reference}"' in page
    done = client.post(
        "/staff/referrals/",
        {"reference": complaint.reference, "authority": "cac", "reason": "Reposted widely", "send": "1"},
    )
    referral = Referral.objects.get(complaint=complaint)
    assert done.status_code == 302 and done["Location"] == f"/staff/referrals/{referral.pk}/"
    assert referral.status == "sent" and referral.package["cases"][0]["reference"] == complaint.reference
    missing = client.post("/staff/referrals/", {"reference": "TD-2026-999999", "authority": "cac", "reason": "x"})
    assert missing.status_code == 400
