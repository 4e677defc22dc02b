"""Fixtures of the reports tests: notices through intake, decisions through moderation."""

from __future__ import annotations

from datetime import datetime

import pytest

from complaints import services
from complaints.vocabulary import Channel
from takedown import roles
from tests.factories import decide, token_client, verified_client
from tests.factories import make_user as make_staff


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


__all__ = ["decide", "make_staff", "submit", "token_client", "verified_client"]


@pytest.fixture
def senior(db):
    return make_staff("senior1", roles.SENIOR_MODERATOR)


@pytest.fixture
def moderator(db):
    return make_staff("mod1", roles.MODERATOR)
