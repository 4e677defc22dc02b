"""Fixed-window rate limits on the shared cache (Redis when REDIS_URL is set).

A window's counter is created with ``add`` and bumped with ``incr``, both atomic on
Redis, so every web process counts against the same budget. If the cache is down the
limit is not enforced (intake matters more than throttling) and the log says so.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle

from takedown.exceptions import RateLimited

logger = logging.getLogger(__name__)
_last_warning = 0.0


def _parse(rate: str) -> tuple[int, int]:
    count, seconds = rate.split("/")
    return int(count), int(seconds)


def client_ip(request: HttpRequest) -> str:
    # Behind the production proxy (gunicorn is not reachable directly) the proxy appends
    # the address it saw to X-Forwarded-For. Entries to its left come from the client and
    # can be forged to dodge the limit, so count from the right: with N trusted proxies
    # in a chain the client is the N-th entry from the end.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.PRODUCTION else ""
    if forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        trusted = max(1, settings.TRUSTED_PROXY_COUNT)
        if hops:
            return hops[-min(trusted, len(hops))]
    return request.META.get("REMOTE_ADDR", "unknown")


def check(scope: str, key: str) -> None:
    """Count one hit of ``key`` in ``scope``; raise RateLimited when over the budget."""
    global _last_warning
    if not settings.RATE_LIMITS_ENABLED:
        return
    limit, window = _parse(settings.RATE_LIMITS[scope])
    now = int(time.time())
    window_start = now - now % window
    cache_key = f"rl:{scope}:{key}:{window_start}"
    try:
        if cache.add(cache_key, 1, timeout=window + 1):
            count = 1
        else:
            count = cache.incr(cache_key)
    except Exception as exc:  # cache outage: degrade open, loudly
        if time.monotonic() - _last_warning > 60:
            _last_warning = time.monotonic()
            logger.warning("rate limiting disabled: cache unavailable (%s)", type(exc).__name__)
        return
    if count > limit:
        raise RateLimited(retry_after=max(1, window_start + window - now))


class ScopedRateThrottle(BaseThrottle):
    """DRF adapter: per token for authenticated clients, per IP for the public."""

    def __init__(self, public_scope: str):
        self.public_scope = public_scope

    def allow_request(self, request, view) -> bool:  # type: ignore[override]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            check("token", f"u{user.pk}")
        else:
            check(self.public_scope, client_ip(request))
        return True


def public_throttle(scope: str) -> type[BaseThrottle]:
    """A throttle class bound to a public scope, for a view's ``throttle_classes``."""

    class Throttle(ScopedRateThrottle):
        def __init__(self) -> None:
            super().__init__(scope)

    Throttle.__name__ = f"{scope.title().replace('_', '')}Throttle"
    return Throttle
