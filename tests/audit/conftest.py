"""Fixtures of the audit tests: complaints through the real intake, staff with roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from complaints.models import Complaint
from complaints.services import UploadedEvidence, complaint_add_evidence
from tests.conftest import make_png, valid_payload


@pytest.fixture
def make_complaint(api_client):
    """Submit a complaint through the public API (with one PNG) and return it."""

    def make(*, evidence: bool = False, **overrides) -> Complaint:
        payload = valid_payload(**overrides)
        response = api_client.post("/api/v1/complaints/", payload, format="json")
        assert response.status_code == 201, response.content
        complaint = Complaint.objects.latest("pk")
        if evidence:
            complaint_add_evidence(complaint=complaint, files=[UploadedEvidence("screenshot.png", make_png())])
        return complaint

    return make


@pytest.fixture
def make_user(db):
    def make(username: str, *roles: str) -> User:
        user = User.objects.create_user(username=username, password="pw-" + username)
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return make


@pytest.fixture
def token_client():
    """An API client authenticated with the user's token (counts as verified staff)."""

    def make(user: User) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def legal_request_for(make_user):
    """Register a live legal request covering ``complaints`` for ``investigator``."""
    from audit.legal import register_legal_request

    def make(investigator: User, complaints, *, days: int = 30, registered_by: User | None = None):
        registrar = registered_by or make_user(f"registrar{User.objects.count()}", "senior_moderator")
        return register_legal_request(
            actor_user=registrar,
            authority="Metropolitan Police",
            reference_number=f"MP-{User.objects.count()}-{len(complaints)}",
            legal_basis="Criminal Procedure Code s. 94 production order",
            scope_references=[c.reference for c in complaints],
            scope_victim="",
            deadline=timezone.now() + timedelta(days=10),
            requesting_officer="DC Example 4471",
            expires_at=timezone.now() + timedelta(days=days),
            investigators=[investigator],
        )

    return make


@pytest.fixture
def browser_session():
    """A staff browser session that passed both factors, as the staff login leaves it."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def make(user: User) -> Client:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return make


@pytest.fixture(autouse=True)
def _no_queued_refusals():
    """Refusals queued by another test's rolled-back transaction must not leak in here."""
    from audit import preservation

    preservation._pending.rows = []
    yield
    preservation._pending.rows = []
