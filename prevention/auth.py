"""Token authentication for the host platform's high-volume calls.

Screening and signals are called for every post and in large batches; DRF's token check
costs two queries per call (token + user, then the user's roles). Here a verified token
is remembered in the process for ``TOKEN_CACHE_SECONDS`` together with its roles, so a
steady stream of calls costs no query for authentication. A deleted token or a removed
role therefore stops working within that many seconds, not at once.
"""

from __future__ import annotations

import threading

from cachetools import TTLCache
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import TokenAuthentication

TOKEN_CACHE_SECONDS = 30.0
_MAX_ENTRIES = 1000
_tokens: TTLCache = TTLCache(maxsize=_MAX_ENTRIES, ttl=TOKEN_CACHE_SECONDS)
_lock = threading.Lock()


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str):
        with _lock:
            hit = _tokens.get(key)
        if hit is not None:
            return hit
        user, token = super().authenticate_credentials(key)
        # Load the roles now, so permission checks on later calls need no query.
        user._role_names = frozenset(user.groups.values_list("name", flat=True))
        with _lock:
            _tokens[key] = (user, token)
        return user, token


def forget_cached_tokens() -> None:
    with _lock:
        _tokens.clear()


class CachedTokenScheme(OpenApiAuthenticationExtension):
    """The schema's name for this scheme: the same header as DRF's token, its own component."""

    target_class = CachedTokenAuthentication
    name = "platformTokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Host-platform token, as "Token <key>"',
        }
