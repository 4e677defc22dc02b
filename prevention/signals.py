"""Activity signals from the host platform: parsed cheaply, counted per target and bucket.

A batch of up to 10,000 signals is checked in one tight loop over the decoded JSON (no
per-item serializer), aggregated in memory into (target, bucket, type) counts, and then
written in one round trip: a Redis pipeline of HINCRBY when ``REDIS_URL`` is set,
otherwise one multi-row upsert into ``SignalBucket``. Either way the write cost depends
on how many distinct targets a batch touches, not on how many signals it carries.

Redis layout: one hash per bucket, ``prevention:sig:<bucket start>``, field
``<type>|<target>``, value the count; each hash expires after the retention period.

Across the group of platforms (SPEC section 1), the default platform and every platform
that shares signals count in one space of target keys, so a target rising on two of them
at once adds up and alerts sooner (they agree on shared keys such as ``case:<reference>``,
which every measure webhook carries). A platform that does not share counts apart: its
targets are stored as ``<slug>/<target>``, never adding to anyone else's
(``hostplatform.platforms.signal_namespace``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from prevention.bulk import upsert
from prevention.models import SignalBucket
from takedown.exceptions import InvalidInput, PayloadTooLarge

SIGNAL_TYPES = ("post", "share", "search", "comment", "report")
_TYPES = frozenset(SIGNAL_TYPES)
MAX_SIGNALS = 10_000
MAX_TARGET_CHARS = 128
# How far in the future a signal's time may be (clock skew of the platform's servers).
MAX_FUTURE_SECONDS = 300
_MAX_REPORTED_ERRORS = 20
_REDIS_PREFIX = "prevention:sig:"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def bucket_seconds() -> int:
    return settings.SIGNAL_BUCKET_SECONDS


def retention_seconds() -> int:
    """Counts older than this are dropped on arrival and forgotten by storage."""
    return settings.SIGNAL_RETENTION_SECONDS


def use_redis() -> bool:
    return bool(settings.REDIS_URL)


@lru_cache(maxsize=2)
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)


def redis_client():
    return _redis(settings.REDIS_URL)


@dataclass
class ParsedBatch:
    counts: dict[tuple[str, int, str], int]
    accepted: int
    too_old: int
    future: int


_BAD_TIME = "\"at\" must be seconds since the epoch or an ISO 8601 time with its offset."


def _signal_list(data: Any) -> list:
    """The batch's list of signals, from a list or {"signals": [...]}; refused if too long."""
    if isinstance(data, dict):
        data = data.get("signals")
    if not isinstance(data, list):
        raise InvalidInput(
            _("The body must be a list of signals or {\"signals\": [...]}."),
            fields={"signals": [_("A list of signals is required.")]},
        )
    if len(data) > MAX_SIGNALS:
        raise PayloadTooLarge(
            _("At most %(n)s signals per batch.") % {"n": MAX_SIGNALS},
            fields={"signals": [_("%(count)s signals; at most %(n)s per batch.") % {"count": len(data), "n": MAX_SIGNALS}]},
        )
    return data


def _seconds_of(at: Any) -> float | None:
    """Seconds since the epoch of an ISO 8601 time with its offset; None if it is not one."""
    if type(at) is not str:
        return None
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return None
    return moment.timestamp() if moment.tzinfo is not None else None


def parse_signals(data: Any, *, now: float | None = None, namespace: str = "") -> ParsedBatch:
    """Check and aggregate one batch; raises InvalidInput naming the bad items.

    ``data`` is the decoded body: a list of signals or {"signals": [...]}. A signal is
    {"type": one of SIGNAL_TYPES, "target": a key of 1-128 characters, "at": seconds
    since the epoch or an ISO 8601 time (default: now)}. Signals older than the retention
    period or more than five minutes ahead are counted as dropped, not refused: a
    platform replaying a backlog should not have its whole batch rejected for them.
    ``namespace``: prefixed to every target (a platform counting apart from the group).
    """
    data = _signal_list(data)
    now = time.time() if now is None else now
    width = bucket_seconds()
    oldest = now - retention_seconds()
    latest = now + MAX_FUTURE_SECONDS
    now_bucket = int(now) // width * width
    counts: dict[tuple[str, int, str], int] = {}
    get = counts.get
    errors: dict[str, list[str]] = {}
    too_old = future = 0
    types = _TYPES
    for index, item in enumerate(data):
        try:
            kind = item["type"]
            target = item["target"]
            at = item.get("at")
        except (TypeError, KeyError, AttributeError):
            errors[str(index)] = ["A signal needs \"type\" and \"target\"."]
            if len(errors) >= _MAX_REPORTED_ERRORS:
                break
            continue
        if type(kind) is not str or kind not in types or type(target) is not str or not 0 < len(target) <= MAX_TARGET_CHARS:
            errors[str(index)] = [
                f"\"type\" must be one of {', '.join(SIGNAL_TYPES)}; \"target\" a string of "
                f"1-{MAX_TARGET_CHARS} characters."
            ]
            if len(errors) >= _MAX_REPORTED_ERRORS:
                break
            continue
        if at is None:
            bucket = now_bucket
        else:
            at_type = type(at)
            seconds = at if at_type is int or at_type is float else _seconds_of(at)
            if seconds is None:
                errors[str(index)] = [_BAD_TIME]
                if len(errors) >= _MAX_REPORTED_ERRORS:
                    break
                continue
            if seconds < oldest:
                too_old += 1
                continue
            if seconds > latest:
                future += 1
                continue
            bucket = int(seconds) // width * width
        key = (namespace + target if namespace else target, bucket, kind)
        counts[key] = get(key, 0) + 1
    if not errors and _CONTROL.search("".join({key[0] for key in counts})):
        errors["targets"] = ["Target keys must not contain control characters."]
    if errors:
        raise InvalidInput(_("Some signals are invalid; nothing was counted."), fields={"signals": errors})
    return ParsedBatch(counts, len(data) - too_old - future, too_old, future)


def count_signals(counts: dict[tuple[str, int, str], int]) -> None:
    """Add aggregated counts to storage in one round trip."""
    if not counts:
        return
    if use_redis():
        _count_redis(counts)
    else:
        _count_database(counts)


# One call per bucket: the increments travel packed in one argument ("field US count RS"
# repeated; target keys may not contain control characters), so a batch touching
# thousands of counters costs one short command per bucket instead of one HINCRBY each.
_HINCRBY_PACKED = r"""
local key = KEYS[1]
for field, n in string.gmatch(ARGV[1], "([^\30\31]+)\31(%d+)\30") do
  redis.call('HINCRBY', key, field, n)
end
redis.call('EXPIRE', key, ARGV[2])
return 1
"""


@lru_cache(maxsize=2)
def _hincrby_packed(url: str):
    return _redis(url).register_script(_HINCRBY_PACKED)


def _count_redis(counts: dict[tuple[str, int, str], int]) -> None:
    expire = retention_seconds() + 2 * bucket_seconds()
    by_bucket: dict[int, list[str]] = {}
    for (target, bucket, kind), n in counts.items():
        parts = by_bucket.get(bucket)
        if parts is None:
            parts = by_bucket[bucket] = []
        parts.append(f"{kind}|{target}\x1f{n}\x1e")
    script = _hincrby_packed(settings.REDIS_URL)
    pipe = redis_client().pipeline(transaction=False)
    for bucket, parts in by_bucket.items():
        script(keys=[f"{_REDIS_PREFIX}{bucket}"], args=["".join(parts), expire], client=pipe)
    pipe.execute()


_COLUMNS = SIGNAL_TYPES
_TABLE = SignalBucket._meta.db_table


def _count_database(counts: dict[tuple[str, int, str], int]) -> None:
    rows: dict[tuple[str, int], list[int]] = {}
    position = {kind: i for i, kind in enumerate(_COLUMNS)}
    for (target, bucket, kind), n in counts.items():
        row = rows.get((target, bucket))
        if row is None:
            row = rows[(target, bucket)] = [0, 0, 0, 0, 0]
        row[position[kind]] += n
    values = [(target, bucket, *row) for (target, bucket), row in sorted(rows.items())]
    updates = ", ".join(f"{c} = {_TABLE}.{c} + excluded.{c}" for c in _COLUMNS)
    with transaction.atomic():
        upsert(_TABLE, ("target", "bucket", *_COLUMNS), ("target", "bucket"), values, updates)


def bucket_counts(bucket: int) -> dict[str, dict[str, int]]:
    """{target: {type: count}} of one bucket."""
    result: dict[str, dict[str, int]] = {}
    if use_redis():
        raw = redis_client().hgetall(f"{_REDIS_PREFIX}{bucket}")
        for field, value in raw.items():
            kind, _, target = field.decode().partition("|")
            result.setdefault(target, {})[kind] = int(value)
        return result
    for row in SignalBucket.objects.filter(bucket=bucket).values_list("target", *_COLUMNS):
        result[row[0]] = {kind: n for kind, n in zip(_COLUMNS, row[1:], strict=True) if n}
    return result


def target_series(target: str, buckets: Iterable[int]) -> list[tuple[int, dict[str, int]]]:
    """[(bucket, {type: count})] of one target over ``buckets`` (for charts)."""
    buckets = list(buckets)
    if use_redis():
        pipe = redis_client().pipeline(transaction=False)
        fields = [f"{kind}|{target}" for kind in SIGNAL_TYPES]
        for bucket in buckets:
            pipe.hmget(f"{_REDIS_PREFIX}{bucket}", fields)
        answers = pipe.execute()
        return [
            (bucket, {k: int(v) for k, v in zip(SIGNAL_TYPES, values, strict=True) if v})
            for bucket, values in zip(buckets, answers, strict=True)
        ]
    rows = {
        row[0]: {kind: n for kind, n in zip(_COLUMNS, row[1:], strict=True) if n}
        for row in SignalBucket.objects.filter(target=target, bucket__in=buckets).values_list(
            "bucket", *_COLUMNS
        )
    }
    return [(bucket, rows.get(bucket, {})) for bucket in buckets]


def forget_old_buckets(now: float | None = None) -> int:
    """Delete database buckets past retention (Redis expires its own)."""
    if use_redis():
        return 0
    now = time.time() if now is None else now
    cutoff = int(now) - retention_seconds()
    deleted, _per_model = SignalBucket.objects.filter(bucket__lt=cutoff).delete()
    return deleted
