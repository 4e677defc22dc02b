"""Protected persons' names: encrypted at rest, decrypted only into screening's cache.

Why encryption rather than keyed hashes: screening must find a name through the
obfuscations people use ("张 三", "张·三", zero-width characters, any case), which the
detectors do by building a pattern from the name itself. A hash of the normalised name
would only match the exact normalised spelling, and hashing every n-gram of every post
would cost more than the whole scan. So the name is stored encrypted with the product's
field encryption (``takedown.crypto``: AES-256-GCM, bound to this column, rotatable keys)
and exists in clear only in the memory of the processes that screen, and only while the
person's protection is active.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from prevention.detectors import normalize_value
from prevention.models import Intervention

NAMES_CACHE_SECONDS = 10.0


@dataclass(frozen=True)
class ProtectedName:
    name: str
    normalized: str
    intervention_id: int
    restrictions: tuple[str, ...]
    expires_at: datetime


_cache: tuple[float, tuple[ProtectedName, ...]] | None = None


def active_protected_names() -> tuple[ProtectedName, ...]:
    """Names under active protection, cached per process for a few seconds."""
    global _cache
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < NAMES_CACHE_SECONDS:
        return _cache[1]
    rows = Intervention.objects.filter(
        state=Intervention.State.ACTIVE,
        kind=Intervention.Kind.VICTIM_PROTECTION,
        expires_at__gt=timezone.now(),
    ).exclude(protected_name="").values_list("id", "protected_name", "params", "expires_at")
    names = []
    for pk, name, params, expires_at in rows:
        normalized = normalize_value("protected_name", name) if name else None
        if normalized:
            restrictions = tuple((params or {}).get("restrictions", ()))
            names.append(ProtectedName(name, normalized, pk, restrictions, expires_at))
    _cache = (now, tuple(names))
    return _cache[1]


def forget_cached_names() -> None:
    global _cache
    _cache = None
