"""The time zone of the person reading a public page.

Every time on a public page is shown in the reader's zone and names it. The browser
reports its zone (``static/js/zone.js`` sets the ``tz`` cookie and the complaint form's
hidden field); without JavaScript the zone follows the page's language: China's for
Chinese, UTC (named) for English.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

ZONE_COOKIE = "tz"
LANGUAGE_ZONES = {"zh": "Asia/Shanghai"}


@functools.lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def known_zone(name: str | None) -> str | None:
    """``name`` if it is an IANA zone this machine knows, else None."""
    return name if name and name in _known() else None


def language_zone(language: str | None = None) -> str:
    """The zone assumed for a language when the browser has said nothing."""
    language = (language or translation.get_language() or "").lower()
    return next((zone for prefix, zone in LANGUAGE_ZONES.items() if language.startswith(prefix)), "UTC")


def person_zone(request: HttpRequest, given: str | None = None) -> str:
    """The reader's zone: the browser's (cookie), else one they gave (the zone their
    browser reported with their complaint), else the language's."""
    return known_zone(request.COOKIES.get(ZONE_COOKIE)) or known_zone(given) or language_zone()


def in_person_zone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Render a public view with the reader's zone active (``{{ value|when }}`` uses it)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with timezone.override(person_zone(request)):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response

    return wrapped
