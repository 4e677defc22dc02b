"""The screening policy: which verdict a kind of finding gets in a context.

Rules live in ``ScreeningRule`` (admin-editable). Screening runs on every post the host
platform publishes, so the table is read once and kept in each process for a few
seconds; an edit takes effect everywhere within ``RULES_CACHE_SECONDS``.
"""

from __future__ import annotations

import time

from prevention.models import VERDICT_RANK, ScreeningRule

RULES_CACHE_SECONDS = 10.0
ANY_CONTEXT = "*"

Rules = dict[tuple[str, str], tuple[str, float]]
_cache: tuple[float, Rules] | None = None


def rules() -> Rules:
    """{(context, kind): (verdict, min_confidence)}, cached per process."""
    global _cache
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < RULES_CACHE_SECONDS:
        return _cache[1]
    table = {
        (r.context, r.kind): (r.verdict, r.min_confidence)
        for r in ScreeningRule.objects.only("context", "kind", "verdict", "min_confidence")
    }
    _cache = (now, table)
    return table


def forget_cached_rules() -> None:
    global _cache
    _cache = None


def verdict_for(context: str, kind: str, confidence: float = 1.0) -> str:
    """The verdict of one finding; "allow" when no rule names the kind."""
    table = rules()
    rule = table.get((context, kind)) or table.get((ANY_CONTEXT, kind))
    if rule is None:
        return "allow"
    verdict, min_confidence = rule
    return verdict if confidence >= min_confidence else "allow"


def strictest(verdicts: list[str]) -> str:
    return max(verdicts, key=VERDICT_RANK.__getitem__, default="allow")
