"""The spike scorer on synthetic streams, without the database."""

from __future__ import annotations

import random

from prevention.spikes import Baseline, SpikeParams, observe, poisson_tail_score

P = SpikeParams()
W = P.bucket_seconds


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method is fine for the small rates used here; a normal approximation above.
    if lam > 50:
        return max(0, round(rng.gauss(lam, lam**0.5)))
    limit, k, product = pow(2.718281828459045, -lam), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def test_poisson_tail_score_grows_with_surprise_and_is_zero_at_the_mean():
    assert poisson_tail_score(5, 5.0) == 0.0
    assert poisson_tail_score(0, 3.0) == 0.0
    modest, extreme = poisson_tail_score(15, 5.0), poisson_tail_score(60, 5.0)
    assert 2 < modest < 4  # P(X >= 15 | 5) is about 2e-4
    assert extreme > 30


def test_steady_poisson_streams_raise_no_alert_over_hours():
    rng = random.Random(7)
    for rate in (0.5, 3, 12, 40, 150):
        state = Baseline()
        alerts = 0
        for i in range(6 * 360):  # six hours of 10-second buckets
            alerts += observe(state, i * W, _poisson(rng, rate), P, learning=i < 30).alert
        assert alerts == 0, rate


def test_planted_spike_is_alerted_within_sixty_seconds_of_onset():
    rng = random.Random(11)
    state = Baseline()
    onset = 360
    first_alert = None
    for i in range(onset + 30):
        rate = 8.0 if i < onset else 8.0 * min(10, 1 + (i - onset))  # ramps to 10x over 90 s
        result = observe(state, i * W, _poisson(rng, rate), P, learning=i < 30)
        if result.alert and first_alert is None:
            first_alert = i
    assert first_alert is not None and first_alert >= onset
    assert (first_alert - onset) * W <= 60


def test_a_sharp_rise_is_marked_sharp_and_followed_by_cool_down():
    state = Baseline()
    for i in range(100):
        observe(state, i * W, 10, P)
    spike = observe(state, 100 * W, 400, P)
    assert spike.alert and spike.sharp
    assert spike.expected == 10
    # The next buckets are still high, but the open alert covers them.
    assert not observe(state, 101 * W, 420, P).alert
    # The spike did not become the new normal in one step.
    assert state.mean < 20


def test_a_new_target_needs_a_practical_count_not_just_improbability():
    small = observe(Baseline(), 0, 12, P)
    assert not small.alert  # improbable against the prior, but fewer than min_count
    assert observe(Baseline(), 0, 200, P).alert


def test_quiet_buckets_decay_the_baseline():
    state = Baseline()
    for i in range(200):
        observe(state, i * W, 50, P)
    observe(state, (200 + 2000) * W, 50, P)  # after a long silence
    assert state.mean < 5
    assert observe(Baseline(mean=50, var=50, observed=5, last_bucket=10 * W), 5 * W, 999, P).alert is False


def test_learning_never_alerts():
    state = Baseline()
    assert not observe(state, 0, 10_000, P, learning=True).alert
