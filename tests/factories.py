"""Test data made through the real services: one place for what every app's tests need.

Notices go through intake, staff through the account service or plain users with
roles, decisions through the decision service, legal requests through registration.
The conftests of each app build their fixtures from these.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from complaints import services as complaint_services
from complaints.models import Complaint
from complaints.vocabulary import Channel

NOTICE_DEFAULTS: dict[str, Any] = {
    "complainant_name": "Chen Jing",
    "complainant_email": "chen@example.com",
    "items": [("https://social.example/p/1", "my address")],
    "disclosed_info": ["home_address"],
    "explanation": "My home address was posted without consent.",
    "evidence_excerpt": "Lives at 12 Example Road",
    "good_faith_declaration": True,
}


def file_notice(*, channel: str = Channel.API, now: datetime | None = None, files=(), submitter=None,
                **fields: Any) -> complaint_services.Submission:
    """A notice through the real intake service: valid unless ``fields`` take something away."""
    data = complaint_services.ComplaintInput(**{**NOTICE_DEFAULTS, **fields})
    return complaint_services.complaint_submit(data=data, files=files, channel=channel, submitter=submitter,
                                               now=now or timezone.now())


def make_user(username: str, *role_names: str, email: str | None = None, password: str | None = None):
    """A plain account in the given roles (auth groups)."""
    user = get_user_model().objects.create_user(
        username=username,
        email=email if email is not None else f"{username}@desk.example",
        password=password or "x" * 16,
    )
    for name in role_names:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def verified_client(user) -> Client:
    """A browser session that passed both factors, as the staff login leaves it."""
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="phone", confirmed=True
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def token_client(user) -> APIClient:
    """An API client authenticated with the user's token."""
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.user = user
    return client


def decide(complaint: Complaint, user, measure: str = "remove", **overrides: Any):
    """A decision through the decision service, with a complete statement of reasons."""
    from moderation.services import DecisionInput, decision_create
    data = DecisionInput(
        measure=measure,
        facts=overrides.pop("facts", "The post publishes a private person's home address."),
        legal_ground=overrides.pop("legal_ground", "PIPL Art. 10; Civil Code Art. 1034"),
        explanation=overrides.pop("explanation", "Publishing a home address without consent is unlawful."),
        redress=overrides.pop("redress", "You may appeal within 6 months."),
        **overrides,
    )
    return decision_create(complaint=Complaint.objects.get(pk=complaint.pk), user=user, data=data,
                           now=timezone.now())


def register_request(investigator, complaints, *, registrar, days: int = 30, reference: str = ""):
    """A live legal request covering ``complaints``, with ``investigator`` named on it."""
    from preservation.legal import register_legal_request

    return register_legal_request(
        actor_user=registrar,
        authority="Metropolitan Police",
        reference_number=reference or f"MP-{get_user_model().objects.count()}-{len(complaints)}",
        legal_basis="Criminal Procedure Code s. 94 production order",
        scope_references=[c.reference for c in complaints],
        scope_victim="",
        deadline=timezone.now() + timedelta(days=10),
        requesting_officer="DC Example 4471",
        expires_at=timezone.now() + timedelta(days=days),
        investigators=[investigator],
    )


def submit_notice(*, received: datetime | None = None, disclosed=("home_address",), harms=(),
                  complete: bool = True) -> Complaint:
    """A notice through intake, received at ``received`` (valid unless ``complete`` is False)."""
    return file_notice(
        now=received,
        disclosed_info=list(disclosed),
        harms=list(harms),
        explanation=NOTICE_DEFAULTS["explanation"] if complete else "",
    ).complaint
