"""Fixtures of the moderation tests: staff made through the real account service."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from complaints import services as complaint_services
from complaints.vocabulary import Channel
from moderation import accounts
from takedown import roles
from tests.factories import token_client

PASSWORD = "a-long-test-password-1"


def make_staff(username: str, role: str):
    return accounts.staff_create(username=username, role=role, password=PASSWORD).user


def code_for(user) -> str:
    """The user's current TOTP code, computed as an authenticator app would."""
    device = TOTPDevice.objects.get(user=user)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def logged_in(user) -> Client:
    """A browser session through both login steps. A code is accepted once per user and
    time step, so log each user in once per test."""
    client = Client()
    client.post("/staff/login/", {"username": user.username, "password": PASSWORD})
    response = client.post("/staff/login/verify/", {"code": code_for(user)})
    assert response.status_code == 302
    return client


def client_for(user) -> APIClient:
    return token_client(user)


@pytest.fixture
def moderator(db):
    return make_staff("mod-a", roles.MODERATOR)


@pytest.fixture
def moderator_b(db):
    return make_staff("mod-b", roles.MODERATOR)


@pytest.fixture
def senior(db):
    return make_staff("senior-a", roles.SENIOR_MODERATOR)


@pytest.fixture
def investigator(db):
    return make_staff("inv-a", roles.INVESTIGATOR)


@pytest.fixture
def submit(db):
    """File a notice through the real intake; returns (complaint, tracking token)."""

    def _submit(**overrides):
        data = complaint_services.ComplaintInput(
            complainant_name=overrides.pop("name", "Chen Jing"),
            complainant_email=overrides.pop("email", "chen@example.com"),
            items=overrides.pop("items", [("https://social.example/p/1", "my address")]),
            disclosed_info=overrides.pop("disclosed_info", ["home_address"]),
            harms=overrides.pop("harms", []),
            explanation=overrides.pop("explanation", "My home address was posted without consent."),
            evidence_excerpt=overrides.pop("evidence_excerpt", "Lives at 12 Example Road"),
            good_faith_declaration=overrides.pop("good_faith_declaration", True),
            **overrides,
        )
        submission = complaint_services.complaint_submit(data=data, channel=Channel.WEB)
        return submission.complaint, submission.token

    return _submit


def decision_body(**overrides) -> dict:
    body = {
        "measure": "remove",
        "facts": "The post shows the complainant's full home address next to her name.",
        "legal_ground": "Civil Code Art. 1034 and 1195; PIPL Art. 28",
        "explanation": "Publishing a private person's home address without consent is unlawful.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST as a staff user (token) and run what the request queued after commit.

    The tests run inside one transaction; this runs the on-commit work (Celery tasks,
    eager here: webhook delivery to the demo platform, e-mail) as a commit would.
    """

    def _post(user, url, body=None, **extra):
        client = client_for(user) if user is not None else APIClient()
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, body if body is not None else {}, format="json", **extra)

    return _post


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block and then its on-commit work: ``with committed(): service(...)``."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
