"""Who may use the staff area and the staff API.

Staff in a browser must have passed the second factor (django-otp marks the session
verified). API clients authenticate with a token and are checked by role only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import BasePermission

from takedown import roles


def is_verified(request: HttpRequest) -> bool:
    """Logged in with both factors (session), or a token client (no session to verify)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if isinstance(getattr(request, "successful_authenticator", None), TokenAuthentication):
        return True
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


def staff_required(*allowed: str) -> Callable:
    """View decorator: a verified staff member holding one of ``allowed`` roles."""
    allowed = allowed or roles.STAFF_ROLES

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not is_verified(request):
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not roles.has_role(request.user, *allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class HasRole(BasePermission):
    """DRF permission: ``permission_classes = [HasRole.of(roles.MODERATOR, ...)]``."""

    allowed: tuple[str, ...] = roles.STAFF_ROLES
    message = "Your account may not do this."

    @classmethod
    def of(cls, *allowed: str) -> type[HasRole]:
        return type("HasRole_" + "_".join(allowed), (cls,), {"allowed": allowed})

    def has_permission(self, request, view) -> bool:  # type: ignore[override]
        return is_verified(request) and roles.has_role(request.user, *self.allowed)
