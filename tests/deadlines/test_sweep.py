"""The sweep: due timers fire once, in bounded batches, oldest first; nothing is lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from deadlines import timers
from deadlines.models import Timer
from deadlines.registry import timer_handler
from deadlines.sweep import MAX_ATTEMPTS, sweep, sweep_batch
from deadlines.tasks import sweep_task

CALLS: list[int] = []


@timer_handler("test_echo")
def _echo(timer: Timer) -> str:
    CALLS.append(timer.pk)
    return timer.payload.get("say", "echoed")


@timer_handler("test_flaky")
def _flaky(timer: Timer) -> str:
    if timer.payload.get("fail"):
        # Work done before the failure must be rolled back with it.
        timers.schedule("test_echo", ("side_effect", timer.pk), timezone.now() + timedelta(days=1))
        raise RuntimeError("the target service is down")
    return "ok"


@pytest.fixture(autouse=True)
def _clear_calls():
    CALLS.clear()


def _due(kind: str, n: int, *, minutes_ago: int = 5, **payload) -> list[Timer]:
    now = timezone.now()
    return [
        timers.schedule(kind, ("thing", i), now - timedelta(minutes=minutes_ago + i), payload=payload or None)
        for i in range(n)
    ]


@pytest.mark.django_db
def test_due_timers_fire_once_and_future_ones_wait():
    due = _due("test_echo", 3, say="hello")
    future = timers.schedule("test_echo", ("thing", 99), timezone.now() + timedelta(hours=1))

    first = sweep()
    second = sweep()

    assert first.fired == 3 and second.fired == 0
    assert sorted(CALLS) == sorted(t.pk for t in due)
    for timer in Timer.objects.filter(pk__in=[t.pk for t in due]):
        assert timer.state == Timer.State.DONE
        assert timer.outcome == "hello"
        assert timer.fired_at >= timer.due_at
    future.refresh_from_db()
    assert future.state == Timer.State.PENDING and future.fired_at is None


@pytest.mark.django_db
def test_cancelled_timers_never_fire():
    (timer,) = _due("test_echo", 1)
    assert timers.cancel("test_echo", ("thing", 0)) == 1
    assert sweep().fired == 0
    timer.refresh_from_db()
    assert timer.state == Timer.State.CANCELLED and CALLS == []


@pytest.mark.django_db
def test_batches_are_bounded_and_taken_oldest_first_until_drained(settings):
    settings.DEADLINE_SWEEP_BATCH = 2
    rows = _due("test_echo", 5)  # row i is due i minutes before row i-1
    oldest_two = {rows[4].pk, rows[3].pk}

    batch = sweep_batch()
    assert batch.taken == 2 and batch.full
    assert set(CALLS) == oldest_two

    rest = sweep()
    assert rest.batches == 2 and rest.fired == 3
    assert Timer.objects.filter(state=Timer.State.PENDING).count() == 0


@pytest.mark.django_db
def test_sweep_stops_at_its_batch_budget_and_says_more_is_due(settings):
    settings.DEADLINE_SWEEP_BATCH = 2
    _due("test_echo", 5)
    result = sweep(max_batches=1)
    assert result.fired == 2 and result.more_due


@pytest.mark.django_db
def test_unknown_kind_is_left_pending_and_reported_not_lost():
    (orphan,) = _due("kind_nobody_handles", 1)
    _due("test_echo", 1)
    result = sweep()
    assert result.fired == 1
    assert result.unknown_kinds == {"kind_nobody_handles": 1}
    orphan.refresh_from_db()
    assert orphan.state == Timer.State.PENDING


@pytest.mark.django_db
def test_failing_handler_undoes_only_its_own_work_and_is_set_aside_after_retries():
    bad = timers.schedule("test_flaky", ("thing", 1), timezone.now() - timedelta(minutes=2), payload={"fail": True})
    good = timers.schedule("test_flaky", ("thing", 2), timezone.now() - timedelta(minutes=1))

    first = sweep()
    assert first.fired == 1 and first.failed == 1
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.state == Timer.State.DONE and good.outcome == "ok"
    assert bad.state == Timer.State.PENDING and bad.attempts == 1
    assert "the target service is down" in bad.last_error
    # The failing handler's own write was rolled back with it.
    assert not Timer.objects.filter(target_type="side_effect").exists()

    for _ in range(MAX_ATTEMPTS - 1):
        sweep()
    bad.refresh_from_db()
    assert bad.state == Timer.State.FAILED and bad.attempts == MAX_ATTEMPTS and bad.outcome == "failed"
    assert sweep().failed == 0  # set aside: no longer retried


@pytest.mark.django_db
def test_rescheduling_a_cancelled_instant_makes_it_pending_again_but_a_fired_one_stays_fired():
    due = timezone.now() - timedelta(minutes=1)
    timers.schedule("test_echo", ("thing", 1), due)
    timers.cancel(None, ("thing", 1))
    again = timers.schedule("test_echo", ("thing", 1), due)
    assert again.state == Timer.State.PENDING
    sweep()
    fired = timers.schedule("test_echo", ("thing", 1), due)
    assert fired.state == Timer.State.DONE
    assert CALLS == [again.pk]


@pytest.mark.django_db
def test_batch_query_count_does_not_grow_with_the_number_of_timers(django_assert_max_num_queries):
    _due("test_echo", 60, say="same")
    # One read of the due rows, one update per distinct outcome, plus the transaction.
    with django_assert_max_num_queries(4):
        result = sweep_batch()
    assert result.fired == 60


@pytest.mark.django_db
def test_sweep_task_hands_over_to_itself_while_batches_are_full(settings):
    settings.DEADLINE_SWEEP_BATCH = 2
    settings.DEADLINE_SWEEP_BUDGET_SECONDS = 0  # one batch per run: every full batch re-enqueues
    _due("test_echo", 5)
    outcome = sweep_task.apply().get()
    assert outcome["more_due"] is True
    assert Timer.objects.filter(state=Timer.State.PENDING).count() == 0
    assert len(CALLS) == 5


@pytest.mark.django_db
def test_management_command_runs_a_full_sweep_and_prints_it(capsys):
    _due("test_echo", 2, say="told")
    _due("kind_nobody_handles", 1)
    call_command("deadlines_sweep")
    out = capsys.readouterr().out
    assert "2 timer(s) fired in 1 batch(es); 0 failed" in out
    assert "test_echo:told: 2" in out
    assert "no handler for kind 'kind_nobody_handles': 1" in out


@pytest.mark.django_db
def test_a_failed_timer_can_be_put_back_and_then_fires():
    from audit.models import AuditEvent
    from deadlines.services import timers_retry

    timer = timers.schedule("test_flaky", ("thing", 7), timezone.now() - timedelta(minutes=1), payload={"fail": True})
    for _ in range(MAX_ATTEMPTS):
        sweep()
    timer.refresh_from_db()
    assert timer.state == Timer.State.FAILED
    Timer.objects.filter(pk=timer.pk).update(payload={})  # the cause was fixed
    assert timers_retry(ids=[timer.pk], actor="user:1") == 1
    assert AuditEvent.objects.filter(code="deadline.timer_retried", target_id=str(timer.pk)).count() == 1
    assert sweep().fired == 1
    timer.refresh_from_db()
    assert timer.state == Timer.State.DONE and timer.outcome == "ok"
