"""Middleware that must act before a view reads the request (takedown/bodies.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from takedown import bodies
from takedown.exceptions import ErrorCode, json_error_response


def _refuse(request: HttpRequest, status: int, code: ErrorCode, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_error_response(status, code, message)
    # A 411 comes only from a server that cannot frame a chunked body: the 400 page says it.
    return render(request, f"errors/{400 if status == 411 else status}.html", status=status)


def _too_large(request: HttpRequest) -> HttpResponse:
    return _refuse(request, 413, ErrorCode.TOO_LARGE, _("The request body is too large."))


class RequestSizeLimitMiddleware:
    """The body is read whole or refused, never half-read.

    - Over REQUEST_MAX_BYTES by its Content-Length: 413 before reading (Django's own
      limits cover form fields but not uploaded files).
    - Chunked, without a Content-Length: Django would read it as empty (the notice
      lost behind a 201), so it is read here to its end, up to REQUEST_MAX_BYTES, and
      handed on with its length; a server that cannot say where such a body ends gets
      411, a chunked encoding that breaks off gets 400.
    - Otherwise the stream is checked as it is read: a body shorter than its
      Content-Length, or multipart without its closing delimiter, is a 400.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        environ = getattr(request, "environ", None)
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not request.META.get("CONTENT_LENGTH") and environ is not None and "wsgi.input" in environ:
            if not environ.get("wsgi.input_terminated"):
                return _refuse(request, 411, ErrorCode.MALFORMED,
                               _("Send the request with a Content-Length header."))
            try:
                spool, length = bodies.read_chunked(environ["wsgi.input"], settings.REQUEST_MAX_BYTES)
            except bodies.BodyTooLarge:
                return _too_large(request)
            except bodies.TruncatedBody:
                return _refuse(request, 400, ErrorCode.MALFORMED, _("The request body ended before it was complete."))
            request.META["CONTENT_LENGTH"] = str(length)
            request._stream = bodies.limited(spool, length)
            request._read_started = False
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return _too_large(request)
        if length > 0 and hasattr(request, "_stream"):
            boundary = bodies.multipart_boundary(request.META.get("CONTENT_TYPE", ""))
            request._stream = bodies.CheckedStream(request._stream, length, boundary)
        return self.get_response(request)


class QueryStringMiddleware:
    """A query string or path with a NUL, or a query string that is not UTF-8, is a 400
    before any view reads it (Django would pass the NUL on to the database, and replace
    bytes that are not UTF-8 with U+FFFD as if the client had sent that)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info or not bodies.query_is_clean(request.META.get("QUERY_STRING", "")):
            return _refuse(request, 400, ErrorCode.MALFORMED,
                           _("The address has characters that cannot be read (a NUL or bytes that are not UTF-8)."))
        return self.get_response(request)


class MachineLocaleMiddleware:
    """Django's LocaleMiddleware for the machine calls, without what only pages need.

    The product's addresses carry no language prefix, so the language is the one the
    request asks for (its language cookie, else Accept-Language, else the default), and
    the answer says which it is and that it varies by Accept-Language, as on every page.
    LocaleMiddleware would also look for a prefix in the path, twice per request, and
    try a prefixed address on a 404; for a 280-character screening call those checks
    cost a tenth of the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = language = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response
