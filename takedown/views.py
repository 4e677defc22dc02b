"""Project-wide views: health check and error pages (JSON under /api/)."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from takedown.exceptions import ErrorCode, json_error_response

logger = logging.getLogger(__name__)

# A probe never waits longer than this on the broker (a load balancer probes every few seconds).
BROKER_PROBE_SECONDS = 1.0


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.warning("healthz: database unreachable", exc_info=True)
        return False
    return True


def _cache_ok() -> bool:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=5)
        found = cache.get(key) == "1"
        cache.delete(key)
    except Exception:
        logger.warning("healthz: cache unreachable", exc_info=True)
        return False
    return found


def _broker_ok() -> bool:
    from takedown.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_PROBE_SECONDS)
            # Virtual transports (Redis, filesystem) talk to the server when a channel opens.
            conn.default_channel  # noqa: B018
    except Exception:
        logger.warning("healthz: broker unreachable", exc_info=True)
        return False
    return True


def _webhooks_state() -> str:
    if settings.HOST_PLATFORM_WEBHOOK_URL:
        return "ok"
    return "demo" if settings.DEMO_PLATFORM else "unconfigured"


def healthz(request: HttpRequest) -> JsonResponse:
    """Database, cache, broker and the webhook receiver's configuration, each "ok" or not.

    503 only when the database is down: nothing works without it, so a load balancer should
    take this process out. A cache or broker outage is shown ("degraded") but answered 200:
    intake, tracking and review still work without them (rate limits fail open, tasks are
    caught up by the sweeps), and every web process sees the same outage, so pulling them
    all out would only turn a degraded service into none.
    """
    body: dict[str, str] = {"database": "ok" if _database_ok() else "down"}
    if body["database"] == "down":
        body.update(cache="unknown", broker="unknown", webhooks=_webhooks_state(), status="down")
        return JsonResponse(body, status=503, headers={"Retry-After": "5", "Cache-Control": "no-store"})
    body["cache"] = "ok" if _cache_ok() else "down"
    body["broker"] = "ok" if _broker_ok() else "down"
    body["webhooks"] = _webhooks_state()
    healthy = body["cache"] == body["broker"] == "ok" and body["webhooks"] != "unconfigured"
    body["status"] = "ok" if healthy else "degraded"
    return JsonResponse(body, headers={"Cache-Control": "no-store"})


def _error(request: HttpRequest, status: int, code: ErrorCode, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error_response(status, code, message)
    return render(request, f"errors/{status}.html", status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, ErrorCode.MALFORMED, _("The request could not be read."))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/staff/"):
        # A refused staff page keeps the staff layout and leads back to the role's home.
        return render(request, "errors/403_staff.html", status=403)
    return _error(request, 403, ErrorCode.FORBIDDEN, _("You may not do this."))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, ErrorCode.NOT_FOUND, _("Not found."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, ErrorCode.SERVER_ERROR, _("Something went wrong on our side. Please try again."))
