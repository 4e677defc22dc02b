"""Rate limits, and the one function that says who the client is.

Counting is django-ratelimit's (``django_ratelimit.core.get_usage``: fixed windows on the
shared cache, created with ``add`` and bumped with ``incr``, both atomic on Redis, so
every web process counts against the same budget). What this module adds: the client
address behind a known number of proxies (``client_ip``), the product's scopes and their
rates from settings, 429 with ``Retry-After`` in the one error shape, and failing open
when the cache is down (intake matters more than throttling), loudly in the log.

Every limit and lockout keys a client on ``client_key`` (its address, with an IPv6
address widened to its /64: one IPv6 host usually holds a whole /64 and could otherwise
take a fresh budget per address); token clients are counted per token (``check_token``).
"""

from __future__ import annotations

import ipaddress
import logging
import time

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage
from rest_framework.throttling import BaseThrottle

from takedown.exceptions import RateLimited

logger = logging.getLogger(__name__)
_last_warning = 0.0


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address, the same for every limit, lockout and audit record.

    With ``TRUSTED_PROXY_COUNT`` = 0 (the default) the peer address is the client and
    X-Forwarded-For is ignored: whoever can reach the web server directly could write
    anything there. With N > 0, the web server is reachable only through N proxies that
    each append the address they saw, so the client is the N-th entry from the right;
    entries further left were written by the client and are never used. A header with
    fewer entries than that, or an entry that is not an address, means the request did
    not come through the proxies as configured: the peer address is used.
    """
    peer = request.META.get("REMOTE_ADDR", "") or "unknown"
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return peer
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < trusted:
        return peer
    return _address(hops[-trusted]) or peer


def client_key(request: HttpRequest) -> str:
    """``client_ip`` as a limit key: IPv6 addresses widened to their /64."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address) + "/64"


def check(scope: str, key: str) -> None:
    """Count one hit of ``key`` in ``scope``; raise RateLimited when over the budget."""
    global _last_warning
    if not settings.RATE_LIMITS_ENABLED:
        return
    try:
        usage = get_usage(None, group=scope, key=lambda _group, _request: key,
                          rate=settings.RATE_LIMITS[scope], increment=True)
    except Exception as exc:  # cache outage: degrade open, loudly
        if time.monotonic() - _last_warning > 60:
            _last_warning = time.monotonic()
            logger.warning("rate limiting disabled: cache unavailable (%s)", type(exc).__name__)
        return
    if usage and usage["should_limit"] and usage["limit"]:
        raise RateLimited(retry_after=max(1, usage["time_left"]))


def check_client(scope: str, request: HttpRequest) -> None:
    """Count one hit of this request's client in a public scope."""
    check(scope, client_key(request))


def check_token(user) -> None:
    """Count one hit of an authenticated caller (its token) in the ``token`` scope."""
    check("token", f"u{user.pk}")


class TokenThrottle(BaseThrottle):
    """DRF's default throttle: every authenticated call counts against its token's budget."""

    def allow_request(self, request, view) -> bool:  # type: ignore[override]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            check_token(user)
        return True


class ScopedRateThrottle(BaseThrottle):
    """Per token for authenticated clients, per client address for the public."""

    def __init__(self, public_scope: str):
        self.public_scope = public_scope

    def allow_request(self, request, view) -> bool:  # type: ignore[override]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            check_token(user)
        else:
            check_client(self.public_scope, request)
        return True


def public_throttle(scope: str) -> type[BaseThrottle]:
    """A throttle class bound to a public scope, for a view's ``throttle_classes``."""

    class Throttle(ScopedRateThrottle):
        def __init__(self) -> None:
            super().__init__(scope)

    Throttle.__name__ = f"{scope.title().replace('_', '')}Throttle"
    return Throttle
