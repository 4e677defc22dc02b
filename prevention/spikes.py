"""Spike scoring: is this bucket's count far above what this target usually sees?

A pure module (no Django, no database), so it can be tested and benchmarked on synthetic
streams.

The method, per target:

* Baseline: an exponentially weighted mean and variance of the count per bucket, with a
  half-life of ``half_life_buckets`` (30 minutes by default). Buckets in which the target
  had no activity count as zeros, so a target that went quiet decays towards nothing.
* Expected count: the baseline mean, but never below ``prior_rate`` (a target with no
  history is assumed to see about one signal per bucket, so its first handful of
  signals is not "infinitely" surprising).
* Significance: the upper tail of a Poisson distribution with that expectation,
  P(X >= count), reported as a score = -log10 of it. Real activity is burstier than
  Poisson, so the count must also stand ``min_z`` standard deviations above the mean,
  using the observed variance when it is larger than the Poisson variance.
* Practical size: at least ``min_count`` signals in the bucket and ``min_ratio`` times
  the expectation: a rise from 2 to 9 can be very unlikely and still not matter.
* Cool-down: after an alert the target is not alerted again for ``cooldown_buckets``;
  the open alert is the place to follow it.
* Robust learning: the count that updates the baseline is clipped at mean + 3 standard
  deviations, so one spike does not immediately become the new normal; a lasting new
  level is still learned within a few half-lives.
* A rise of ``sharp_ratio`` times the expectation with at least ``sharp_min_count``
  signals is "sharp" and proposes a referral to the authorities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class SpikeParams:
    bucket_seconds: int = 10
    half_life_buckets: float = 180.0
    prior_rate: float = 1.0
    min_count: int = 30
    min_ratio: float = 3.0
    min_score: float = 8.0
    min_z: float = 5.0
    sharp_ratio: float = 10.0
    sharp_min_count: int = 150
    cooldown_buckets: int = 60
    # Zero buckets replayed one by one at most; beyond that the baseline has decayed to
    # nothing anyway and is simply reset.
    max_gap_buckets: int = 1000

    @property
    def alpha(self) -> float:
        return 1.0 - 0.5 ** (1.0 / self.half_life_buckets)


@dataclass
class Baseline:
    mean: float = 0.0
    var: float = 0.0
    observed: int = 0
    last_bucket: int = 0  # start of the last bucket seen, seconds since the epoch
    cooldown_until: int = 0


@dataclass(frozen=True)
class Score:
    count: int
    expected: float
    spread: float
    score: float
    z: float
    alert: bool
    sharp: bool


def poisson_tail_score(count: int, expected: float) -> float:
    """-log10 P(X >= count) for X ~ Poisson(expected); 0 when count <= expected."""
    if count <= expected or count <= 0:
        return 0.0
    lam = max(expected, 1e-9)
    log_pmf = -lam + count * math.log(lam) - math.lgamma(count + 1)
    # The terms after P(X = count) shrink at least geometrically by lam / (count + 1),
    # so the tail is at most pmf / (1 - ratio): tight for the large counts that matter.
    ratio = lam / (count + 1)
    log_tail = log_pmf - math.log1p(-ratio)
    return max(0.0, -log_tail / math.log(10))


def _update(state: Baseline, x: float, alpha: float) -> None:
    diff = x - state.mean
    increment = alpha * diff
    state.mean += increment
    state.var = (1.0 - alpha) * (state.var + diff * increment)


def _decay_gap(state: Baseline, bucket: int, params: SpikeParams) -> None:
    if state.observed == 0:
        return
    gap = (bucket - state.last_bucket) // params.bucket_seconds - 1
    if gap <= 0:
        return
    if gap > params.max_gap_buckets:
        state.mean = 0.0
        state.var = 0.0
        return
    alpha = params.alpha
    for _ in range(gap):
        _update(state, 0.0, alpha)


def observe(state: Baseline, bucket: int, count: int, params: SpikeParams, *, learning: bool = False) -> Score:
    """Score ``count`` signals in ``bucket`` against ``state``, then learn from it.

    ``state`` is updated in place. ``learning``: only learn (the detector's warm-up).
    Buckets must be observed in increasing order; an older bucket is ignored.
    """
    if state.observed and bucket <= state.last_bucket:
        return Score(count, state.mean, math.sqrt(max(state.var, 0.0)), 0.0, 0.0, False, False)
    _decay_gap(state, bucket, params)
    expected = max(state.mean, params.prior_rate)
    spread = math.sqrt(max(state.var, expected))
    z = (count - expected) / spread
    score = poisson_tail_score(count, expected)
    alert = (
        not learning
        and bucket >= state.cooldown_until
        and count >= params.min_count
        and count >= params.min_ratio * expected
        and score >= params.min_score
        and z >= params.min_z
    )
    sharp = alert and count >= params.sharp_min_count and count >= params.sharp_ratio * expected
    if alert:
        state.cooldown_until = bucket + params.cooldown_buckets * params.bucket_seconds
    clipped = min(float(count), state.mean + 3.0 * spread) if state.observed else float(count)
    if state.observed == 0:
        # A target's first bucket starts its baseline; its variance starts at the
        # Poisson variance of that level.
        state.mean = clipped
        state.var = clipped
    else:
        _update(state, clipped, params.alpha)
    state.observed += 1
    state.last_bucket = bucket
    return Score(count, expected, spread, score, z, alert, sharp)
