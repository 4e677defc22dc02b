"""Middleware that must act before a view reads the body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from takedown.exceptions import ErrorCode, json_error_response


class RequestSizeLimitMiddleware:
    """Refuse bodies over REQUEST_MAX_BYTES from the Content-Length, before reading them.

    Django's own limits cover form fields but not uploaded files, so a multi-gigabyte
    upload would otherwise be streamed to disk first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            if request.path.startswith("/api/"):
                return json_error_response(413, ErrorCode.TOO_LARGE, _("The request body is too large."))
            return render(request, "errors/413.html", status=413)
        return self.get_response(request)
