"""Staff accounts, API tokens, and the login lockout.

Staff sign in with a password and a TOTP code (django-otp). Repeated failures for one
username from one client lock that pair for a while, and many failures from one client
lock that client; an account is never locked for everyone. The lockout is audited.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from audit.actors import SYSTEM
from moderation import events
from takedown import roles
from takedown.exceptions import InvalidInput

logger = logging.getLogger(__name__)

User = get_user_model()

TOKEN_ROLES = (roles.TRUSTED_FLAGGER, roles.AUTHORITY, roles.PLATFORM)


@dataclass(frozen=True)
class NewStaff:
    user: object
    password: str
    device: TOTPDevice


def lockout_limits() -> tuple[int, int]:
    """(failures allowed for one account at one client, lock seconds)."""
    return (settings.STAFF_LOGIN_MAX_FAILURES,
            settings.STAFF_LOGIN_LOCK_SECONDS)


# Failures are counted twice: for the account at this client, and for the client whatever
# the account. Neither counter is the account's alone, so wrong passwords typed elsewhere
# never lock the account for its owner at their own client.
def _key(username: str, client: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{client}".encode()).hexdigest()[:32]
    return f"staff-login-failures:{digest}"


def _client_key(client: str) -> str:
    return f"staff-login-client-failures:{hashlib.sha256(client.encode()).hexdigest()[:32]}"


def is_locked(username: str, client: str) -> bool:
    limit, _seconds = lockout_limits()
    try:
        found = cache.get_many([_key(username, client), _client_key(client)])
    except Exception as exc:  # cache outage: both factors are still required; say so
        logger.warning("login lockout unavailable: cache unavailable (%s)", type(exc).__name__)
        return False
    return (int(found.get(_key(username, client)) or 0) >= limit
            or int(found.get(_client_key(client)) or 0) >= settings.STAFF_LOGIN_MAX_FAILURES_PER_CLIENT)


def _bump(key: str, seconds: int) -> int:
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        return 1


def record_failure(username: str, client: str, *, ip: str = "") -> bool:
    """Count one failed step (password or code) of ``username`` at ``client`` (the limit
    key, ``takedown.ratelimit.client_key``); True when the account at this client, or the
    client itself, is now locked. ``ip`` is the address for the audit record."""
    limit, seconds = lockout_limits()
    client_limit = settings.STAFF_LOGIN_MAX_FAILURES_PER_CLIENT
    try:
        failures = _bump(_key(username, client), seconds)
        client_failures = _bump(_client_key(client), seconds)
    except Exception as exc:  # cache outage: the failure is not counted, and the log says so
        logger.warning("login failure not counted: cache unavailable (%s)", type(exc).__name__)
        return False
    if failures == limit or client_failures == client_limit:
        user = User.objects.filter(username=username).first()
        with transaction.atomic():
            events.login_locked(user_id=user.pk if user else 0, username=username,
                                failures=failures if failures == limit else client_failures,
                                lock_seconds=seconds, ip=ip or client,
                                scope="account_at_client" if failures == limit else "client")
        return True
    return failures > limit or client_failures > client_limit


def clear_failures(username: str, client: str) -> None:
    """After a full login: the account's count at this client starts again (the client's
    own count does not, so one good account does not reset a client that sprays others)."""
    try:
        cache.delete(_key(username, client))
    except Exception as exc:
        logger.warning("login failures not cleared: cache unavailable (%s)", type(exc).__name__)


def record_login(user, ip: str) -> None:
    with transaction.atomic():
        events.staff_login(user=user, ip=ip)


def _group(role: str) -> Group:
    group, _created = Group.objects.get_or_create(name=role)
    return group


def staff_create(*, username: str, role: str, actor: str = SYSTEM, password: str | None = None,
                 totp_key: str | None = None) -> NewStaff:
    """Create (or reset) a staff account with a one-time password and a fresh TOTP device."""
    if role not in roles.STAFF_ROLES:
        raise InvalidInput(_("Role must be one of: %(roles)s.") % {"roles": ", ".join(roles.STAFF_ROLES)})
    username = username.strip()
    if not username:
        raise InvalidInput(_("Give a username."))
    password = password or secrets.token_urlsafe(12)
    with transaction.atomic():
        user, created = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_staff = role == roles.ADMIN
        user.save()
        user.groups.add(_group(role))
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True,
                                           **({"key": totp_key} if totp_key else {}))
        events.staff_created(actor=actor, user=user, role=role, reset=not created)
    return NewStaff(user, password, device)


def api_token_create(*, username: str, platform: bool = False, role: str = "", actor: str = SYSTEM) -> Token:
    """An API account and its token. ``platform`` makes it a host-platform integration account."""
    if platform:
        role = roles.PLATFORM
    if role and role not in TOKEN_ROLES:
        raise InvalidInput(_("Token roles: %(roles)s.") % {"roles": ", ".join(TOKEN_ROLES)})
    with transaction.atomic():
        user, created = User.objects.get_or_create(username=username.strip())
        if created:
            user.set_unusable_password()
            user.save()
        if role:
            user.groups.add(_group(role))
        token, _created = Token.objects.get_or_create(user=user)
        events.api_token_created(actor=actor, user=user, role=role)
    return token


def demo_totp_key(username: str) -> str:
    """Development only: a TOTP key derived from the username, so testers can compute codes."""
    return hashlib.sha1(f"takedown-demo-totp:{username}".encode()).hexdigest()
