"""Shape rules for complaint fields, shared by the web form and the API serializers."""

from __future__ import annotations

import functools
import re
import zoneinfo
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

MAX_ITEMS = 100
MAX_URL_LENGTH = 2048
# A platform content ID such as ``weibo:4987654321`` or ``douyin:video/7234``.
CONTENT_ID_RE = re.compile(r"^[a-z][a-z0-9_-]{1,31}:[A-Za-z0-9_.\-/]{1,128}$")
REFUSED_SCHEMES = frozenset({"javascript", "data", "vbscript", "file", "about", "blob"})
_url_validator = URLValidator(schemes=["http", "https"])


def validate_location(value: str) -> str:
    """A location is an http(s) URL or a platform content ID; anything else is refused."""
    value = value.strip()
    if not value:
        raise ValidationError(_("Enter the address (URL) of the post."), code="required")
    if len(value) > MAX_URL_LENGTH:
        raise ValidationError(_("This address is too long."), code="too_long")
    if any(ord(ch) < 32 for ch in value):
        raise ValidationError(_("This address contains invalid characters."), code="invalid")
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme in REFUSED_SCHEMES:
        raise ValidationError(_("Only web addresses starting with http:// or https:// are accepted."), code="scheme")
    if scheme in ("http", "https"):
        try:
            _url_validator(value)
        except ValidationError:
            raise ValidationError(_("Enter a valid web address."), code="invalid") from None
        if not urlsplit(value).hostname:
            raise ValidationError(_("Enter a valid web address."), code="invalid")
        return value
    if CONTENT_ID_RE.match(value):
        return value
    if "." in value.split("/", 1)[0] and " " not in value:
        # "weibo.com/123": people often leave out the scheme; keep what they meant.
        return validate_location("https://" + value)
    raise ValidationError(
        _("Enter a web address (https://...) or a platform content ID (platform:id)."), code="invalid"
    )


@functools.cache
def _known_timezones() -> frozenset[str]:
    # available_timezones() walks the zone database on disk: read it once per process.
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> str:
    """An IANA zone name the person's browser reported, or UTC for anything else."""
    return value if value in _known_timezones() else "UTC"
