"""Demo staff accounts and tokens for ``make run`` (development only)."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from rest_framework.authtoken.models import Token

from moderation import accounts
from takedown import roles

DEMO_STAFF = [
    ("moderator", roles.MODERATOR),
    ("senior", roles.SENIOR_MODERATOR),
    ("investigator", roles.INVESTIGATOR),
    ("admin", roles.ADMIN),
]
DEMO_PASSWORD = "demo-password-{username}"


def _python() -> str:
    """The interpreter running this command, as the person can type it from here."""
    relative = os.path.relpath(sys.executable)
    return relative if not relative.startswith("..") else sys.executable


def seed_staff() -> list[str]:
    if settings.PRODUCTION:
        return ["demo accounts are not created in production"]
    from django.contrib.auth import get_user_model

    User = get_user_model()
    lines = [
        "",
        f"Staff: log in at {settings.PUBLIC_BASE_URL}/staff/login/ with a username and password below;",
        f"  the second-factor code: {_python()} manage.py demo_totp USERNAME  (prints the current code)",
    ]
    for username, role in DEMO_STAFF:
        password = DEMO_PASSWORD.format(username=username)
        key = accounts.demo_totp_key(username)
        if not User.objects.filter(username=username).exists():
            accounts.staff_create(username=username, role=role, password=password, totp_key=key)
        lines.append(f"  {username:<13} {role:<17} password {password}   TOTP key (hex) {key}")
    lines.append("  TOTP key = sha1('takedown-demo-totp:' + username), RFC 6238, 30 s, 6 digits.")
    lines.append(f"API tokens (header 'Authorization: Token <token>', API docs at {settings.PUBLIC_BASE_URL}/api/docs/):")
    for username, kwargs in (("demo-flagger", {"role": roles.TRUSTED_FLAGGER}), ("demo-platform", {"platform": True})):
        token = Token.objects.filter(user__username=username).first() or accounts.api_token_create(
            username=username, **kwargs)
        lines.append(f"  API token {username}: {token.key}")
    return lines
