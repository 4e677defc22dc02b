"""One exception family, one error shape, one handler.

Every API error leaves as ``{"error": {"code", "message", "fields"}}``. Services raise
``DomainError`` subclasses; DRF and Django errors are translated here, so no caller
builds an error body by hand.

``code`` is always an ``ErrorCode`` member: the machine-readable vocabulary a client
branches on, the same in every language. ``message`` is for people: every raise site
marks it for translation (``_("...")``), so it is in the language of the request that
met it; ``tests/takedown/test_error_codes.py`` keeps both rules.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions as drf
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    """Every ``error.code`` the product sends. Values are part of the API contract."""

    # One per HTTP refusal, the default of each DomainError subclass.
    INVALID = "invalid"
    MALFORMED = "malformed"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    CONFLICT = "conflict"
    TOO_LARGE = "too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    UNPROCESSABLE = "unprocessable"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"
    ERROR = "error"
    SERVER_ERROR = "server_error"
    # Evidence files.
    BAD_IMAGE = "bad_image"
    EMPTY_FILE = "empty_file"
    IMAGE_TOO_LARGE = "image_too_large"
    # Notices and the complainant's links.
    NOTHING_TO_ADD = "nothing_to_add"
    BAD_LINK = "bad_link"
    LINK_EXPIRED = "link_expired"
    FILING_SUSPENDED = "filing_suspended"
    DUPLICATE = "duplicate"
    # Review: claims, decisions, counter-notices, appeals.
    CLAIMED_BY_OTHER = "claimed_by_other"
    NOT_CLAIMED = "not_claimed"
    NOT_OPEN = "not_open"
    STALE_VERSION = "stale_version"
    ALREADY_DECIDED = "already_decided"
    ALREADY_DONE = "already_done"
    NO_DECISION = "no_decision"
    NOT_AVAILABLE = "not_available"
    NOT_IN_FORCE = "not_in_force"
    NOT_WAITING = "not_waiting"
    APPEAL_WINDOW_CLOSED = "appeal_window_closed"
    SAME_MODERATOR = "same_moderator"
    # Misuse of the notice procedure.
    BELOW_THRESHOLD = "below_threshold"
    ALREADY_SUSPENDED = "already_suspended"
    NOT_WARNED = "not_warned"
    # Measures, holds and legal requests.
    ALREADY_ENDED = "already_ended"
    ALREADY_RELEASED = "already_released"
    LEGAL_HOLD = "legal_hold"
    DUPLICATE_REQUEST = "duplicate_request"
    REFERRAL_STATE = "referral_state"
    # Host platforms.
    BAD_SIGNATURE = "bad_signature"
    ALREADY_REPORTED = "already_reported"


class DomainError(Exception):
    """A rule of the product refused the request. Subclasses fix code and status."""

    status = 400
    code = ErrorCode.INVALID

    def __init__(self, message: str, *, fields: dict[str, Any] | None = None, code: ErrorCode | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class InvalidInput(DomainError):
    status = 400
    code = ErrorCode.INVALID


class NotFound(DomainError):
    status = 404
    code = ErrorCode.NOT_FOUND


class Forbidden(DomainError):
    status = 403
    code = ErrorCode.FORBIDDEN


class Conflict(DomainError):
    status = 409
    code = ErrorCode.CONFLICT


class PayloadTooLarge(DomainError):
    status = 413
    code = ErrorCode.TOO_LARGE


class UnsupportedMedia(DomainError):
    status = 415
    code = ErrorCode.UNSUPPORTED_MEDIA_TYPE


class Unprocessable(DomainError):
    status = 422
    code = ErrorCode.UNPROCESSABLE


class RateLimited(DomainError):
    status = 429
    code = ErrorCode.RATE_LIMITED

    def __init__(self, retry_after: int):
        super().__init__(_("Too many requests; try again later."))
        self.retry_after = retry_after


class ServiceUnavailable(DomainError):
    status = 503
    code = ErrorCode.UNAVAILABLE


def error_body(code: ErrorCode, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": str(code), "message": str(message), "fields": fields or {}}}


def _flatten_drf_detail(detail: Any) -> Any:
    """DRF nests ErrorDetail objects in lists and dicts; keep the shape, drop the class."""
    if isinstance(detail, dict):
        return {str(k): _flatten_drf_detail(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten_drf_detail(v) for v in detail]
    return str(detail)


_DRF_CODES: dict[type[drf.APIException], ErrorCode] = {
    drf.ParseError: ErrorCode.MALFORMED,
    drf.AuthenticationFailed: ErrorCode.UNAUTHENTICATED,
    drf.NotAuthenticated: ErrorCode.UNAUTHENTICATED,
    drf.PermissionDenied: ErrorCode.FORBIDDEN,
    drf.NotFound: ErrorCode.NOT_FOUND,
    drf.MethodNotAllowed: ErrorCode.METHOD_NOT_ALLOWED,
    drf.NotAcceptable: ErrorCode.NOT_ACCEPTABLE,
    drf.UnsupportedMediaType: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    drf.Throttled: ErrorCode.RATE_LIMITED,
}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every exception a view raises comes through here."""
    headers: dict[str, str] = {}
    request = context.get("request")
    if request is not None:
        # Errors are JSON whatever format the operation was asked for (CSV, DSA).
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
    if isinstance(exc, DomainError):
        if isinstance(exc, RateLimited):
            headers["Retry-After"] = str(exc.retry_after)
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status, headers=headers)
    if isinstance(exc, drf.ValidationError):
        fields = _flatten_drf_detail(exc.detail)
        if not isinstance(fields, dict):
            fields = {"non_field_errors": fields}
        return Response(
            error_body(ErrorCode.INVALID, _("The request has invalid fields."), fields), status=400
        )
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body(ErrorCode.INVALID, _("The request has invalid fields."), fields), status=400)
    if isinstance(exc, drf.APIException):
        code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), ErrorCode.ERROR)
        if isinstance(exc, drf.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait) + 1)
        if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
            headers["WWW-Authenticate"] = "Token"
        message = str(exc.detail) if not isinstance(exc.detail, (dict, list)) else _("Request refused.")
        return Response(error_body(code, message), status=exc.status_code, headers=headers)
    if isinstance(exc, Http404):
        return Response(error_body(ErrorCode.NOT_FOUND, _("Not found.")), status=404)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(error_body(ErrorCode.FORBIDDEN, _("You may not do this.")), status=403)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body(ErrorCode.TOO_LARGE, _("The request body is too large.")), status=413)
    if isinstance(exc, (TooManyFieldsSent, SuspiciousOperation, BadRequest)):
        return Response(error_body(ErrorCode.MALFORMED, _("The request could not be read.")), status=400)
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database went away mid-request (restart, failover): nothing was committed,
        # so the client can safely retry.
        logger.warning("database unavailable: %s", type(exc).__name__)
        return Response(
            error_body(ErrorCode.UNAVAILABLE, _("The service is briefly unavailable; please retry.")),
            status=503,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, DatabaseError):
        return None
    return None


def json_error_response(status: int, code: ErrorCode, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse(error_body(code, message), status=status)
    for key, value in headers.items():
        response[key.replace("_", "-")] = value
    return response


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, except that ``?format=`` naming no format the operation offers is
    invalid input (400, naming the field) rather than a 404 for an address that exists."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            offered = sorted({r.format for r in renderers})
            raise InvalidInput(_("Unknown format."), fields={"format": [f"One of: {', '.join(offered)}."]}) from None
