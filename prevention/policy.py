"""The screening policy: which verdict a kind of finding gets in a context.

Rules live in ``ScreeningRule`` (admin-editable): the group's, and a platform's own, which
take the place of the group's for that platform. Screening runs on every post the host
platform publishes, so the table is read once and kept in each process for a few
seconds; an edit takes effect everywhere within ``RULES_CACHE_SECONDS``.
"""

from __future__ import annotations

import threading

from cachetools import TTLCache, cached

from prevention.models import VERDICT_RANK, ScreeningRule

RULES_CACHE_SECONDS = 10.0
ANY_CONTEXT = "*"

Rules = dict[tuple[int | None, str, str], tuple[str, float]]
_rules: TTLCache = TTLCache(maxsize=1, ttl=RULES_CACHE_SECONDS)
_lock = threading.Lock()


@cached(_rules, key=lambda: "rules", lock=_lock)
def rules() -> Rules:
    """{(platform id or None, context, kind): (verdict, min_confidence)}, cached per process."""
    return {
        (r.platform_id, r.context, r.kind): (r.verdict, r.min_confidence)
        for r in ScreeningRule.objects.only("platform_id", "context", "kind", "verdict", "min_confidence")
    }


def forget_cached_rules() -> None:
    with _lock:
        _rules.clear()


def verdict_for(context: str, kind: str, confidence: float = 1.0, platform_id: int | None = None) -> str:
    """The verdict of one finding; "allow" when no rule names the kind. The screening
    platform's own rule comes first (its context, then any context), then the group's."""
    table = rules()
    owners = (platform_id, None) if platform_id is not None else (None,)
    rule = next((table[key] for owner in owners for key in ((owner, context, kind), (owner, ANY_CONTEXT, kind))
                 if key in table), None)
    if rule is None:
        return "allow"
    verdict, min_confidence = rule
    return verdict if confidence >= min_confidence else "allow"


def strictest(verdicts: list[str]) -> str:
    return max(verdicts, key=VERDICT_RANK.__getitem__, default="allow")
