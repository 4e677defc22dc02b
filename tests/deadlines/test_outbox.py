"""The outbox: effects are rows in the caller's transaction, carried out by the worker."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone

from deadlines import outbox
from deadlines.models import OutboxMessage
from takedown import tasks as publishing

ran: list[tuple] = []


@shared_task(name="tests.outbox_effect")
def effect(value: str, fail: bool = False) -> None:
    if fail:
        raise ConnectionRefusedError("down")
    ran.append((value, threading.get_ident()))


@shared_task(name="tests.outbox_long_effect", outbox_via_pool=True)
def long_effect(value: str) -> None:
    ran.append((value, "long"))


@pytest.fixture(autouse=True)
def _reset(monkeypatch):
    ran.clear()
    monkeypatch.setattr(publishing, "_broker_down_until", 0.0)


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_effect_behind():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(effect, "never")
        raise RuntimeError("refused")
    assert not OutboxMessage.objects.exists()
    assert outbox.drain().done == 0 and ran == []


@pytest.mark.django_db
def test_a_commit_kicks_the_drain_and_the_row_is_gone_once_it_ran(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        outbox.enqueue(effect, "hello")
        assert ran == []  # nothing happens before the commit
    assert [value for value, _ in ran] == ["hello"]  # eager Celery: the kicked drain ran here
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_with_the_broker_down_the_row_waits_and_the_request_does_not(monkeypatch, django_capture_on_commit_callbacks):
    from deadlines import tasks as deadline_tasks

    attempts = []

    def down(*args, **kwargs):
        attempts.append(1)
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(deadline_tasks.outbox_drain, "apply_async", down)
    for value in ("a", "b"):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            outbox.enqueue(effect, value)
    assert len(attempts) == 1  # the second commit did not wait on the broker again
    assert OutboxMessage.objects.count() == 2 and ran == []
    assert outbox.drain().done == 2  # what beat runs when the broker is back
    assert sorted(value for value, _ in ran) == ["a", "b"]


@pytest.mark.django_db
def test_a_failing_effect_is_retried_later_with_a_growing_delay():
    outbox.enqueue(effect, "x", True)
    before = timezone.now()
    assert outbox.drain().failed == 1
    row = OutboxMessage.objects.get()
    assert row.attempts == 1 and row.last_error == "ConnectionRefusedError: down"
    assert row.available_at >= before + timedelta(seconds=outbox.FIRST_RETRY_SECONDS)
    assert outbox.drain().failed == 0  # not available again yet
    OutboxMessage.objects.update(available_at=before)
    outbox.drain()
    row.refresh_from_db()
    assert row.attempts == 2
    assert [outbox.retry_delay(n) for n in (1, 2, 3, 20)] == [30.0, 60.0, 120.0, 3600.0]


@pytest.mark.django_db
def test_a_claimed_row_is_not_taken_twice_until_its_lease_ends():
    outbox.enqueue(effect, "once")
    first = outbox.claim()
    assert [r.args for r in first] == [["once"]]
    assert outbox.claim() == []  # another drain finds nothing while the lease holds
    later = timezone.now() + outbox.LEASE + timedelta(seconds=1)
    again = outbox.claim(now=later)  # the first drain died: the row is taken again
    assert [r.pk for r in again] == [first[0].pk]
    assert outbox.run_claimed(again).done == 1
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_an_unknown_task_waits_for_a_release_that_knows_it():
    outbox.enqueue("tests.not_a_task", 1)
    assert outbox.drain().failed == 1
    assert OutboxMessage.objects.get().last_error == "unknown task tests.not_a_task"


@pytest.mark.django_db
def test_a_long_effect_is_handed_to_the_worker_pool(monkeypatch):
    published = []
    monkeypatch.setattr(long_effect, "apply_async", lambda args=(), kwargs=None, **o: published.append(args))
    outbox.enqueue(long_effect, "export")
    assert outbox.drain().done == 1
    assert published == [("export",)] and ran == []


@pytest.mark.django_db
def test_many_rows_in_one_statement(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert outbox.enqueue_many(effect, [("a",), ("b",), ("c",)]) == 3
    assert outbox.waiting() == {"tests.outbox_effect": 3}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_drains_split_the_rows_without_waiting(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    from django.db import connections

    monkeypatch.setattr(outbox, "kick", lambda: None)  # no eager drain at the commit

    outbox.enqueue_many(effect, [(str(i),) for i in range(10)])
    holder_ready, release = threading.Event(), threading.Event()
    held: list[int] = []

    def hold_five():
        try:
            with transaction.atomic():
                rows = list(outbox._available(timezone.now(), 5))
                held.extend(r.pk for r in rows)
                holder_ready.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold_five)
    thread.start()
    assert holder_ready.wait(10)
    try:
        taken = outbox.claim(limit=10)  # does not block on the locked five: skips them
    finally:
        release.set()
        thread.join(10)
    assert len(held) == 5 and len(taken) == 5 and not {r.pk for r in taken} & set(held)


def test_a_commit_soon_after_a_kick_is_kicked_again_when_the_interval_ends(monkeypatch):
    """Kicks are spaced per process, but the last commit of a burst still gets its own: the
    drain started by the first kick may have claimed its rows before the later commits."""
    import time

    published = []
    monkeypatch.setattr(publishing, "publish", lambda task, *args: published.append(time.monotonic()) or True)
    monkeypatch.setattr(outbox, "_eager", lambda: False)
    monkeypatch.setattr(outbox, "_last_kick", 0.0)
    started = time.monotonic()
    outbox.kick()  # the first commit: at once
    outbox.kick()  # two more within the interval: one kick when it ends
    outbox.kick()
    assert len(published) == 1
    deadline = time.monotonic() + 5
    while len(published) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(published) == 2
    assert published[1] - started >= outbox.KICK_INTERVAL_SECONDS * 0.9
    time.sleep(outbox.KICK_INTERVAL_SECONDS * 2)
    assert len(published) == 2  # nothing more was pending
