"""One exception family, one error shape, one handler.

Every API error leaves as ``{"error": {"code", "message", "fields"}}``. Services raise
``DomainError`` subclasses; DRF and Django errors are translated here, so no caller
builds an error body by hand.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the product refused the request. Subclasses fix code and status."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, Any] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class InvalidInput(DomainError):
    status = 400
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class PayloadTooLarge(DomainError):
    status = 413
    code = "too_large"


class UnsupportedMedia(DomainError):
    status = 415
    code = "unsupported_media_type"


class Unprocessable(DomainError):
    status = 422
    code = "unprocessable"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int):
        super().__init__("Too many requests; try again later.")
        self.retry_after = retry_after


class ServiceUnavailable(DomainError):
    status = 503
    code = "unavailable"


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten_drf_detail(detail: Any) -> Any:
    """DRF nests ErrorDetail objects in lists and dicts; keep the shape, drop the class."""
    if isinstance(detail, dict):
        return {str(k): _flatten_drf_detail(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten_drf_detail(v) for v in detail]
    return str(detail)


_DRF_CODES: dict[type[drf.APIException], str] = {
    drf.ParseError: "malformed",
    drf.AuthenticationFailed: "unauthenticated",
    drf.NotAuthenticated: "unauthenticated",
    drf.PermissionDenied: "forbidden",
    drf.NotFound: "not_found",
    drf.MethodNotAllowed: "method_not_allowed",
    drf.NotAcceptable: "not_acceptable",
    drf.UnsupportedMediaType: "unsupported_media_type",
    drf.Throttled: "rate_limited",
}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every exception a view raises comes through here."""
    headers: dict[str, str] = {}
    if isinstance(exc, DomainError):
        if isinstance(exc, RateLimited):
            headers["Retry-After"] = str(exc.retry_after)
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status, headers=headers)
    if isinstance(exc, drf.ValidationError):
        fields = _flatten_drf_detail(exc.detail)
        if not isinstance(fields, dict):
            fields = {"non_field_errors": fields}
        return Response(
            error_body("invalid", "The request has invalid fields.", fields), status=400
        )
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body("invalid", "The request has invalid fields.", fields), status=400)
    if isinstance(exc, drf.APIException):
        code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
        if isinstance(exc, drf.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait) + 1)
        if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
            headers["WWW-Authenticate"] = "Token"
        message = str(exc.detail) if not isinstance(exc.detail, (dict, list)) else "Request refused."
        return Response(error_body(code, message), status=exc.status_code, headers=headers)
    if isinstance(exc, Http404):
        return Response(error_body("not_found", "Not found."), status=404)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(error_body("forbidden", "You may not do this."), status=403)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body("too_large", "The request body is too large."), status=413)
    if isinstance(exc, (TooManyFieldsSent, SuspiciousOperation)):
        return Response(error_body("malformed", "The request could not be read."), status=400)
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database went away mid-request (restart, failover): nothing was committed,
        # so the client can safely retry.
        logger.warning("database unavailable: %s", type(exc).__name__)
        return Response(
            error_body("unavailable", "The service is briefly unavailable; please retry."),
            status=503,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, DatabaseError):
        return None
    return None


def json_error_response(status: int, code: str, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse(error_body(code, message), status=status)
    for key, value in headers.items():
        response[key.replace("_", "-")] = value
    return response
