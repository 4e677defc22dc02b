"""Fixtures of the complaint channel's tests (the response clock needs staff to remind)."""

from __future__ import annotations

import pytest

from takedown import roles
from tests.factories import make_user


@pytest.fixture
def moderator(db):
    return make_user("mod1", roles.MODERATOR)


@pytest.fixture
def senior(db):
    return make_user("senior1", roles.SENIOR_MODERATOR)
