"""Fixtures of the deadline engine's tests: notices made through intake, staff in roles."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from complaints import services
from complaints.models import Complaint
from complaints.vocabulary import Channel
from takedown import roles


def submit_notice(
    *, received: datetime | None = None, disclosed=("home_address",), harms=(), complete: bool = True
) -> Complaint:
    """A notice through the real intake service (valid unless ``complete`` is False)."""
    data = services.ComplaintInput(
        complainant_name="Chen Jing",
        complainant_email="chen@example.com",
        items=[("https://social.example/p/1", "my address")],
        disclosed_info=list(disclosed),
        harms=list(harms),
        explanation="My home address was posted without consent." if complete else "",
        evidence_excerpt="Lives at 12 Example Road",
        good_faith_declaration=True,
    )
    return services.complaint_submit(data=data, channel=Channel.API, now=received or timezone.now()).complaint


def make_staff(username: str, *role_names: str, email: str | None = None):
    user = get_user_model().objects.create_user(
        username=username, email=email if email is not None else f"{username}@desk.example", password="x" * 16
    )
    for name in role_names:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def verified_client(user) -> Client:
    """A browser session that passed both factors, as the staff login leaves it."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def moderator(db):
    return make_staff("mod1", roles.MODERATOR)


@pytest.fixture
def senior(db):
    return make_staff("senior1", roles.SENIOR_MODERATOR)


@pytest.fixture
def long_ago():
    """A receipt time far enough back that every response timer of a P2 notice is due."""
    return timezone.now() - timedelta(days=10)
