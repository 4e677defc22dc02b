"""Project-wide views: health check and error pages (JSON under /api/)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from takedown.exceptions import json_error_response


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"database": "down"}, status=503, headers={"Retry-After": "5"})
    return JsonResponse({"database": "ok"})


def _error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error_response(status, code, message)
    return render(request, f"errors/{status}.html", status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "malformed", "The request could not be read.")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "forbidden", "You may not do this.")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "not_found", "Not found.")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "server_error", "Something went wrong on our side. Please try again.")
