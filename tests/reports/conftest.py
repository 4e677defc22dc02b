"""Fixtures of the reports tests: notices through intake, decisions through moderation."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from complaints import services
from complaints.models import Complaint
from complaints.vocabulary import Channel
from takedown import roles


def submit(
    *,
    disclosed=("home_address",),
    harms=(),
    urls=("https://social.example/p/1",),
    minor: bool = False,
    language: str = "en",
    name: str = "Chen Jing",
    files=(),
    now: datetime | None = None,
) -> services.Submission:
    data = services.ComplaintInput(
        complainant_name=name,
        complainant_email="chen@example.com",
        complainant_phone="+86 138 0013 8000",
        victim_is_minor=minor,
        items=[(u, "posted without consent") for u in urls],
        disclosed_info=list(disclosed),
        harms=list(harms),
        explanation="My details were posted without consent.",
        evidence_excerpt="Lives at 12 Example Road",
        good_faith_declaration=True,
        language=language,
        timezone="Asia/Shanghai",
    )
    return services.complaint_submit(data=data, files=files, channel=Channel.API, now=now)


def make_staff(username: str, *role_names: str):
    user = get_user_model().objects.create_user(username=username, email=f"{username}@desk.example", password="x" * 16)
    for name in role_names:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def verified_client(user) -> Client:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def decide(complaint: Complaint, user, measure: str = "remove", **overrides):
    from moderation.services import DecisionInput, decision_create

    data = DecisionInput(
        measure=measure,
        facts=overrides.pop("facts", "The post publishes a private person's home address."),
        legal_ground=overrides.pop("legal_ground", "PIPL Art. 10; Civil Code Art. 1034"),
        explanation=overrides.pop("explanation", "Publishing a home address without consent is unlawful."),
        redress=overrides.pop("redress", "You may appeal within 6 months."),
        **overrides,
    )
    return decision_create(complaint=Complaint.objects.get(pk=complaint.pk), user=user, data=data, now=timezone.now())


@pytest.fixture
def senior(db):
    return make_staff("senior1", roles.SENIOR_MODERATOR)


@pytest.fixture
def moderator(db):
    return make_staff("mod1", roles.MODERATOR)
