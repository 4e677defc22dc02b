"""Fixtures of the prevention tests: complaints through the real intake, platform clients."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from complaints.services import ComplaintInput, complaint_submit
from takedown import roles
from tests import factories
from tests.factories import make_user, verified_client

__all__ = ["make_user", "removal_decision", "submit_complaint", "token_client", "verified_client"]


def submit_complaint(**overrides):
    data = ComplaintInput(
        complainant_name="Chen Jing",
        complainant_email="chen@example.com",
        complainant_phone="+86 138 0013 8000",
        items=[("https://social.example/p/1", "the post shows my card 6222 0212 3456 7894")],
        disclosed_info=["id_number", "phone"],
        explanation="My ID number and phone were posted without consent.",
        evidence_excerpt="身份证 11010519491231002X，电话 139 1234 5678",
        good_faith_declaration=True,
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return complaint_submit(data=data, channel="api")


@pytest.fixture
def complaint():
    return submit_complaint().complaint


@pytest.fixture
def submission():
    return submit_complaint()


def removal_decision(complaint, measure: str = "remove", pk: int = 1):
    """A decision as staydown reads it: the case, the measure, an id."""
    return SimpleNamespace(complaint=complaint, measure=measure, pk=pk)


def token_client(username: str, *role_names: str) -> APIClient:
    """A new account in the roles, with its token client (``client.user`` is the account)."""
    return factories.token_client(make_user(username, *role_names))


@pytest.fixture
def platform_client() -> APIClient:
    return token_client("host-platform", roles.PLATFORM)


@pytest.fixture
def senior_client() -> APIClient:
    return token_client("senior", roles.SENIOR_MODERATOR)


@pytest.fixture(autouse=True)
def _empty_signal_counters(settings):
    """Signal counters live in Redis when it is configured: start every test without any."""
    if not settings.REDIS_URL:
        yield
        return
    from prevention import signals

    client = signals.redis_client()

    def wipe():
        for key in client.scan_iter("prevention:sig:*", count=1000):
            client.delete(key)

    wipe()
    yield
    wipe()
