"""Who acted, as the log names them: stable strings, so an exported event still says
who acted after the account behind it is gone. Never a name or a contact."""

from __future__ import annotations

from typing import Any

SYSTEM = "system"
COMPLAINANT = "complainant"
ANONYMOUS = "anonymous"
POSTER = "poster"


def for_user(user: Any) -> str:
    """``user:<id>`` for a signed-in account (staff or token), else ``anonymous``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    return f"user:{user.pk}"


def user_id(pk: int) -> str:
    return f"user:{pk}"


def platform(slug: str) -> str:
    """A host platform acting through its own endpoint or token."""
    return f"platform:{slug}"
