"""Trend detection: score every active target's newest buckets and raise alerts.

Run by the periodic task ``prevention.detect_spikes`` (every 10 s). Each run scores the
buckets that closed since the last run, in order, against each target's baseline
(``prevention.spikes``), stores the baselines, and raises an ``Alert`` for a spike. A
sharp rise also proposes a referral to the Cyberspace Administration. The cursor row is
locked for the whole run, so two schedulers never score the same bucket twice.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prevention import events, hooks, signals
from prevention.bulk import upsert
from prevention.models import Alert, DetectorCursor, TargetBaseline
from prevention.spikes import Baseline, Score, SpikeParams, observe

logger = logging.getLogger(__name__)

# Signals may arrive this long after their bucket ended and still be scored.
LATENESS_SECONDS = 5
# After an outage the detector catches up at most this many buckets; older ones are skipped.
MAX_CATCH_UP_BUCKETS = 90
# After a cold start (or an outage longer than the catch-up) baselines learn this long
# before any alert, so established targets are not all mistaken for new ones.
WARM_UP_BUCKETS = 30
CHART_BUCKETS = 60


_BASELINES = TargetBaseline._meta.db_table
_BASELINE_COLUMNS = ("target", "mean", "var", "observed", "last_bucket", "cooldown_until")
_BASELINE_SET = ", ".join(f"{c} = excluded.{c}" for c in _BASELINE_COLUMNS[1:])


def params() -> SpikeParams:
    overrides = settings.SPIKE_PARAMS
    return SpikeParams(bucket_seconds=signals.bucket_seconds(), **overrides)


def detect_spikes(*, now: float | None = None, spike_params: SpikeParams | None = None) -> list[Alert]:
    """Score the buckets closed since the last run; returns the alerts raised."""
    p = spike_params or params()
    width = p.bucket_seconds
    now = time.time() if now is None else now
    last_closed = (int(now) - LATENESS_SECONDS) // width * width - width
    raised: list[Alert] = []
    with transaction.atomic():
        cursor, created = DetectorCursor.objects.select_for_update().get_or_create(
            name="spikes", defaults={"last_bucket": 0, "warm_from": 0}
        )
        first = cursor.last_bucket + width
        if created or first < last_closed - MAX_CATCH_UP_BUCKETS * width:
            first = last_closed - MAX_CATCH_UP_BUCKETS * width
            cursor.warm_from = last_closed + WARM_UP_BUCKETS * width
        if first > last_closed:
            return raised
        for bucket in range(first, last_closed + 1, width):
            raised.extend(_score_bucket(bucket, p, learning=bucket < cursor.warm_from))
        cursor.last_bucket = last_closed
        cursor.save(update_fields=["last_bucket", "warm_from", "updated_at"])
    return raised


def _score_bucket(bucket: int, p: SpikeParams, *, learning: bool) -> list[Alert]:
    by_target = signals.bucket_counts(bucket)
    if not by_target:
        return []
    stored = {
        row[0]: row[1:]
        for row in TargetBaseline.objects.filter(target__in=list(by_target)).values_list(
            "target", "mean", "var", "observed", "last_bucket", "cooldown_until"
        )
    }
    rows = []
    alerts = []
    for target, by_type in sorted(by_target.items()):
        state = Baseline(*stored.get(target, (0.0, 0.0, 0, 0, 0)))
        result = observe(state, bucket, sum(by_type.values()), p, learning=learning)
        rows.append((target, state.mean, state.var, state.observed, state.last_bucket, state.cooldown_until))
        if result.alert:
            alerts.append((target, result, by_type))
    upsert(_BASELINES, _BASELINE_COLUMNS, ("target",), rows, _BASELINE_SET)
    return [_raise(target, bucket, result, by_type, p) for target, result, by_type in alerts]


def _moment(bucket: int) -> datetime:
    return datetime.fromtimestamp(bucket, tz=UTC)


def explain(target: str, bucket: int, width: int, count: int, expected: float, spread: float, score: float, by_type: dict[str, int]) -> str:
    """The alert in words, for moderators who are not statisticians."""
    parts = ", ".join(f"{kind} {n}" for kind, n in sorted(by_type.items(), key=lambda kv: -kv[1]))
    ratio = count / expected if expected else float("inf")
    chance = f"1 in 10^{int(score)}" if score < 300 else "less than 1 in 10^300"
    return (
        f"Activity on “{target}” rose to {count} signals in the {width} seconds from "
        f"{_moment(bucket):%Y-%m-%d %H:%M:%S} UTC ({parts}): {ratio:.1f} times its usual "
        f"{expected:.1f} per {width} seconds (typical spread ±{spread:.1f}). If the usual rate "
        f"still held, a count this high would happen by chance about {chance}."
    )


def _raise(target: str, bucket: int, result: Score, by_type: dict[str, int], p: SpikeParams) -> Alert:
    width = p.bucket_seconds
    history = signals.target_series(target, range(bucket - (CHART_BUCKETS - 1) * width, bucket + 1, width))
    series = [[b, sum(counts.values())] for b, counts in history]
    severity = Alert.Severity.SHARP if result.sharp else Alert.Severity.RISE
    alert = Alert.objects.create(
        target=target,
        severity=severity,
        bucket=bucket,
        bucket_seconds=width,
        count=result.count,
        expected=result.expected,
        score=min(result.score, 1e6),
        by_type=by_type,
        explanation=explain(target, bucket, width, result.count, result.expected, result.spread, result.score, by_type),
        series={"counts": series, "expected": result.expected, "spread": result.spread},
        raised_at=timezone.now(),
    )
    events.alert_raised(alert=alert, result=result, by_type=by_type)
    hooks.alert_raised(alert, sharp=result.sharp)
    return alert


def alert_record_referral(*, alert: Alert, authority: str, referral_id: int) -> None:
    """A referral was proposed for the alert (by ``hooks.alert_raised``): note it on the alert."""
    alert.referral_proposed = authority
    alert.referral_id = referral_id
    alert.save(update_fields=["referral_proposed", "referral_id", "updated_at"])


def alert_set_state(*, alert: Alert, state: str, actor: str) -> Alert:
    """Acknowledge or close an alert."""
    from takedown.exceptions import InvalidInput

    if state not in Alert.State.values:
        raise InvalidInput(_("Unknown state."), fields={"state": [f"One of: {', '.join(Alert.State.values)}."]})
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.state == state:
            return locked
        previous = locked.state
        locked.state = state
        locked.save(update_fields=["state", "updated_at"])
        events.alert_state_changed(actor=actor, alert=locked, previous=previous)
    return locked


def forget_old(now: float | None = None) -> None:
    """Housekeeping run with detection: old buckets, and baselines of long-quiet targets."""
    now = time.time() if now is None else now
    signals.forget_old_buckets(now)
    quiet_since = int(now) - signals.retention_seconds()
    TargetBaseline.objects.filter(last_bucket__lt=quiet_since).delete()
