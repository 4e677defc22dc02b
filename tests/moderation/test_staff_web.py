"""Staff login with the second factor, lockout, the pages, and the operator commands."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from complaints.services import UploadedEvidence, complaint_add_evidence
from moderation import accounts
from moderation.models import Claim, Decision
from takedown import roles
from tests.conftest import make_png
from tests.moderation.conftest import PASSWORD, code_for, logged_in


def test_login_needs_the_password_then_the_totp_code(moderator):
    client = Client()
    first = client.post("/staff/login/", {"username": "mod-a", "password": PASSWORD})
    assert first.status_code == 302 and "/staff/login/verify/" in first["Location"]
    # Not logged in yet: the staff pages still send to the login.
    assert client.get("/staff/queue/").status_code == 302
    second = client.post("/staff/login/verify/", {"code": code_for(moderator)})
    assert second.status_code == 302
    page = client.get("/staff/queue/")
    assert page.status_code == 200 and b"Review queue" in page.content
    assert AuditEvent.objects.filter(code="staff.login", actor=f"user:{moderator.pk}").exists()


def test_a_code_cannot_be_used_twice(moderator):
    code = code_for(moderator)
    first = Client()
    first.post("/staff/login/", {"username": "mod-a", "password": PASSWORD})
    assert first.post("/staff/login/verify/", {"code": code}).status_code == 302
    replay = Client()
    replay.post("/staff/login/", {"username": "mod-a", "password": PASSWORD})
    assert replay.post("/staff/login/verify/", {"code": code}).status_code == 400


def test_wrong_codes_lock_the_account_for_a_while_and_the_lockout_is_audited(moderator, settings):
    settings.STAFF_LOGIN_MAX_FAILURES = 3
    client = Client()
    client.post("/staff/login/", {"username": "mod-a", "password": PASSWORD})
    statuses = [client.post("/staff/login/verify/", {"code": "000000"}).status_code for _ in range(3)]
    assert statuses[:2] == [400, 400] and statuses[2] == 429
    # Even the right password and code are refused while locked.
    again = Client()
    assert again.post("/staff/login/", {"username": "mod-a", "password": PASSWORD}).status_code == 429
    locked = AuditEvent.objects.get(code="staff.login_locked")
    assert locked.details["username"] == "mod-a" and locked.details["failures"] == 3


def test_wrong_passwords_count_towards_the_lockout(moderator, settings):
    settings.STAFF_LOGIN_MAX_FAILURES = 2
    client = Client()
    assert client.post("/staff/login/", {"username": "mod-a", "password": "nope"}).status_code == 400
    assert client.post("/staff/login/", {"username": "mod-a", "password": "nope"}).status_code == 429
    assert client.post("/staff/login/", {"username": "mod-a", "password": PASSWORD}).status_code == 429


def test_a_token_only_account_cannot_log_in_to_the_staff_area(db):
    accounts.api_token_create(username="platform-x", platform=True)
    response = Client().post("/staff/login/", {"username": "platform-x", "password": ""})
    assert response.status_code == 400


def test_case_page_blurs_evidence_and_records_each_opening(moderator, submit):
    complaint, _ = submit()
    complaint_add_evidence(complaint=complaint, files=[UploadedEvidence("photo.png", make_png())])
    client = logged_in(moderator)
    page = client.get(f"/staff/cases/{complaint.reference}/")
    html = page.content.decode()
    assert page.status_code == 200
    evidence = complaint.evidence.get()
    assert f'<details class="sensitive" id="evidence-{evidence.pk}">' in html and "photo.png" in html
    assert '<section id="evidence" class="evidence-protected"' in html
    image = client.get(f"/staff/cases/{complaint.reference}/evidence/{evidence.pk}/")
    assert image.status_code == 200 and image["X-Content-Type-Options"] == "nosniff"
    assert image["Content-Type"].startswith("image/")
    original = client.get(f"/staff/cases/{complaint.reference}/evidence/{evidence.pk}/?original=1")
    assert "attachment" in original["Content-Disposition"]
    b"".join(original.streaming_content)
    opened = AuditEvent.objects.filter(code="complaint.evidence_opened", target_id=str(complaint.pk))
    assert opened.count() == 2
    assert AuditEvent.objects.filter(code="complaint.viewed", target_id=str(complaint.pk)).count() == 1


def test_case_page_gives_triage_reasons_and_kinds_in_words(moderator, submit):
    complaint, _ = submit(disclosed_info=["home_address", "phone"])
    client = logged_in(moderator)
    html = client.get(f"/staff/cases/{complaint.reference}/").content.decode()
    assert "Identifying information: Home address; Identifying information: Phone number" in html
    assert "identifying_info:" not in html
    zh = client.get(f"/staff/cases/{complaint.reference}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "可识别身份的信息: 家庭住址" in zh.content.decode()


def test_pdf_evidence_is_always_an_attachment(moderator, submit):
    complaint, _ = submit()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    complaint_add_evidence(complaint=complaint, files=[UploadedEvidence("letter.pdf", pdf)])
    evidence = complaint.evidence.get()
    response = logged_in(moderator).get(f"/staff/cases/{complaint.reference}/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_evidence_is_not_served_to_the_public(submit, db):
    complaint, _ = submit()
    complaint_add_evidence(complaint=complaint, files=[UploadedEvidence("photo.png", make_png())])
    evidence = complaint.evidence.get()
    response = Client().get(f"/staff/cases/{complaint.reference}/evidence/{evidence.pk}/")
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_claim_and_decide_from_the_case_page(moderator, submit, django_capture_on_commit_callbacks):
    complaint, token = submit()
    client = logged_in(moderator)
    client.post(f"/staff/cases/{complaint.reference}/claim/")
    assert Claim.objects.get().moderator == moderator
    complaint.refresh_from_db()
    page = client.get(f"/staff/cases/{complaint.reference}/")
    version = page.context["version"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/cases/{complaint.reference}/decide/", {
            "measure": "disable", "ground_type": "legal", "facts": "Address shown in the post.",
            "legal_ground": "PIPL Art. 28", "explanation": "Unlawful disclosure.", "expected_version": version,
        })
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.measure == "disable" and decision.based_on_version == version
    tracking = Client().get(f"/track/{token}/").content.decode()
    assert "Disable access" in tracking


def test_the_decision_form_shows_what_is_missing(moderator, submit):
    complaint, _ = submit()
    client = logged_in(moderator)
    client.post(f"/staff/cases/{complaint.reference}/claim/")
    response = client.post(f"/staff/cases/{complaint.reference}/decide/", {
        "measure": "remove", "ground_type": "legal", "facts": "", "legal_ground": "", "explanation": "x"})
    assert response.status_code == 400
    assert b"State the facts" in response.content
    assert not Decision.objects.exists()


def test_staff_pages_render_for_a_senior(senior, submit):
    submit()
    client = logged_in(senior)
    for url in ["/staff/queue/", "/staff/incidents/", "/staff/appeals/", "/staff/misuse/", "/staff/deliveries/",
                "/demo-platform/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Log out" in response.content


def test_create_staff_prints_a_one_time_password_and_totp_setup(db):
    out = io.StringIO()
    call_command("create_staff", "alice", "--role", "senior_moderator", "--no-qr", stdout=out)
    text = out.getvalue()
    assert "otpauth://totp/" in text and "password:" in text
    from django.contrib.auth import get_user_model

    alice = get_user_model().objects.get(username="alice")
    assert roles.has_role(alice, roles.SENIOR_MODERATOR)
    password = text.split("password:")[1].split()[0]
    assert alice.check_password(password)


def test_create_api_token_prints_the_token_last_and_sets_the_role(db):
    out = io.StringIO()
    call_command("create_api_token", "host-platform", "--platform", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    from rest_framework.authtoken.models import Token

    token = Token.objects.get(key=key)
    assert roles.has_role(token.user, roles.PLATFORM)
    out = io.StringIO()
    call_command("create_api_token", "ngo", "--role", "trusted_flagger", stdout=out)
    assert roles.has_role(Token.objects.get(key=out.getvalue().strip().splitlines()[-1]).user, roles.TRUSTED_FLAGGER)


def test_roles_exist_as_groups_with_permissions(db):
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert set(roles.ALL_ROLES) <= names
    assert Group.objects.get(name="moderator").permissions.filter(codename="add_decision").exists()
    assert not Group.objects.get(name="moderator").permissions.filter(codename="change_submitterstanding").exists()


def test_demo_seeder_creates_accounts_whose_codes_can_be_computed(db):
    from moderation.demo import seed_staff

    lines = seed_staff()
    assert any("moderator" in line and "TOTP key" in line for line in lines)
    from django.contrib.auth import get_user_model

    moderator = get_user_model().objects.get(username="moderator")
    assert TOTPDevice.objects.get(user=moderator).key == accounts.demo_totp_key("moderator")
    out = io.StringIO()
    call_command("demo_totp", "moderator", stdout=out)
    assert out.getvalue().strip() == code_for(moderator)
    assert seed_staff()  # idempotent


@pytest.mark.parametrize("url", ["/staff/queue/", "/staff/cases/TD-2026-000001/", "/staff/incidents/"])
def test_staff_pages_send_anonymous_visitors_to_the_login(url, db):
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/")
