"""Which platform of the group owns a reported location. Pure: no database.

A URL belongs to the platform whose host suffix matches its host on a label boundary
(``forum.example`` owns ``forum.example`` and ``m.forum.example``, not ``myforum.example``),
compared case-insensitively on the IDNA (UTS #46) ASCII form, so ``Forum.Example.``,
``fórum.example`` and ``xn--frum-rta.example`` compare as the host names they are. A
content ID (``forum:123``) belongs to the platform owning its prefix. The longest
matching suffix wins, so a platform can own a subdomain of another's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import idna

from complaints.validators import CONTENT_ID_RE


def normalise_host(host: str) -> str:
    """The lower-case ASCII (A-label) form of a host name; '' when it is not one."""
    host = (host or "").strip().rstrip(".").lower()
    if not host or any(c in host for c in "/ @:"):
        return ""
    try:
        return idna.encode(host, uts46=True).decode("ascii").lower()
    except idna.IDNAError:
        return ""


def normalise_prefix(prefix: str) -> str:
    prefix = (prefix or "").strip().lower().removesuffix(":")
    return prefix if CONTENT_ID_RE.match(f"{prefix}:x") else ""


@dataclass(frozen=True)
class Location:
    kind: str  # "host" or "prefix"; "" for something that is neither
    site: str  # the normalised host or prefix


def location_of(value: str) -> Location:
    """The site of a reported location: the host of a URL, or the prefix of a content ID."""
    value = (value or "").strip()
    if CONTENT_ID_RE.match(value) and not value.lower().startswith(("http:", "https:")):
        return Location("prefix", value.split(":", 1)[0].lower())
    try:
        host = urlsplit(value).hostname or ""
    except ValueError:
        host = ""
    site = normalise_host(host)
    return Location("host", site) if site else Location("", "")


def host_matches(host: str, suffix: str) -> bool:
    return host == suffix or host.endswith("." + suffix)


@dataclass(frozen=True)
class Owner:
    """What routing needs of a platform: its id and the sites it owns (normalised)."""

    id: int
    domains: Sequence[str]
    prefixes: Sequence[str]


def owner_of(location: Location, owners: Iterable[Owner]) -> int | None:
    """The id of the platform owning the location, or None when no platform of the group does."""
    best: tuple[int, int] | None = None  # (length of the suffix, platform id)
    for owner in owners:
        if location.kind == "prefix":
            if location.site in owner.prefixes:
                return owner.id
            continue
        if location.kind != "host":
            continue
        for suffix in owner.domains:
            if host_matches(location.site, suffix) and (best is None or len(suffix) > best[0]):
                best = (len(suffix), owner.id)
    return best[1] if best else None
