"""Protected persons' names: encrypted at rest, decrypted only into screening's cache.

Why encryption rather than keyed hashes: screening must find a name through the
obfuscations people use ("张 三", "张·三", zero-width characters, look-alike letters, any
case), which the detectors do by folding the post and matching the folded name in it.
A hash of the normalised name would only match the exact normalised spelling, and
hashing every n-gram of every post would cost more than the whole scan. So the name is
stored encrypted with the product's field encryption (``takedown.crypto``: AES-256-GCM,
bound to this column, rotatable keys) and exists in clear only in the memory of the
processes that screen, and only while the person's protection is active.

The names in force form a versioned set: its version is a digest of which protections
are active (their ids and end dates). Each process checks the version every
``NAMES_CACHE_SECONDS`` with one cheap query (no decryption), and only when it changed
decrypts the names and builds the matching automaton (``prevention.detectors.NameIndex``)
once; every request and thread of the process then shares that one automaton, so a scan
costs the same with ten names or ten thousand.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import datetime

from cachetools import LRUCache, TTLCache
from django.utils import timezone

from prevention.detectors import NameIndex, normalize_value
from prevention.models import Intervention

NAMES_CACHE_SECONDS = 10.0


@dataclass(frozen=True)
class ProtectedName:
    name: str
    normalized: str
    intervention_id: int
    restrictions: tuple[str, ...]
    expires_at: datetime


@dataclass(frozen=True)
class ProtectedSet:
    """The names under protection at one version, and their automaton."""

    version: str
    names: tuple[ProtectedName, ...]
    index: NameIndex
    by_normalized: dict[str, tuple[ProtectedName, ...]] = field(default_factory=dict)


# The set in force, re-checked every NAMES_CACHE_SECONDS; and the sets built, by version,
# so a version seen again is not decrypted and built again.
_in_force: TTLCache = TTLCache(maxsize=1, ttl=NAMES_CACHE_SECONDS)
_built: LRUCache = LRUCache(maxsize=2)
_lock = threading.Lock()


def _active():
    return Intervention.objects.filter(
        state=Intervention.State.ACTIVE,
        kind=Intervention.Kind.VICTIM_PROTECTION,
        expires_at__gt=timezone.now(),
    ).exclude(protected_name="")


def _version() -> str:
    digest = hashlib.sha256()
    for pk, expires_at in _active().order_by("pk").values_list("pk", "expires_at"):
        digest.update(f"{pk}:{expires_at.timestamp()};".encode())
    return digest.hexdigest()[:32]


def _build(version: str) -> ProtectedSet:
    names = []
    rows = _active().order_by("pk").values_list("id", "protected_name", "params", "expires_at")
    for pk, name, params, expires_at in rows:
        normalized = normalize_value("protected_name", name) if name else None
        if normalized:
            restrictions = tuple((params or {}).get("restrictions", ()))
            names.append(ProtectedName(name, normalized, pk, restrictions, expires_at))
    by_normalized: dict[str, list[ProtectedName]] = {}
    for p in names:
        by_normalized.setdefault(p.normalized, []).append(p)
    return ProtectedSet(
        version,
        tuple(names),
        NameIndex(p.name for p in names),
        {k: tuple(v) for k, v in by_normalized.items()},
    )


def protected_set() -> ProtectedSet:
    """The protected names in force, rebuilt in this process only when their version changes."""
    with _lock:
        current = _in_force.get("current")
    if current is not None:
        return current
    version = _version()
    with _lock:
        current = _built.get(version)
    if current is None:
        current = _build(version)
    with _lock:
        _built[version] = current
        _in_force["current"] = current
    return current


def active_protected_names() -> tuple[ProtectedName, ...]:
    """Names under active protection (see ``protected_set``)."""
    return protected_set().names


def forget_cached_names() -> None:
    """Rebuild on the next call in this process (others see the new version within
    ``NAMES_CACHE_SECONDS``)."""
    with _lock:
        _in_force.clear()
        _built.clear()
