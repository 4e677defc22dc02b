"""The outbox: every effect outside the database is a row written in the caller's transaction.

``enqueue(task, *args)`` writes one ``OutboxMessage`` naming a Celery task and its
arguments; the row commits (or rolls back) with the change that caused it, so no request
waits on the broker and a broker outage loses nothing: the row waits. The worker carries
the rows out (``drain``, the beat task ``deadlines.outbox_drain``), which is also kicked
after a commit when the broker is up, at most once per ``KICK_INTERVAL_SECONDS`` per
process (and once more at the end of that interval when commits came meanwhile) so that a
busy intake does not pay a broker round trip per request and no commit waits for beat.

Claiming: a short transaction takes the rows that are available and not held by another
drain (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite every transaction
is ``IMMEDIATE`` and so holds the one write lock from its first read) and stamps them
with a lease, ``claimed_until``. The tasks then run outside that transaction. A task
that returns has its row deleted; one that raises is retried after a growing delay; a
drain that dies leaves its rows to be taken again when the lease ends. A task declared
with ``outbox_via_pool=True`` (a webhook delivery, an export build: long or waiting on
another system, under their own time limits) is handed to the worker pool through the
broker instead, from the worker, and its row is done once the broker has it; such tasks
re-read their row under lock, so a redelivered message does nothing twice. Delivery is
therefore at least once, and every task claims and stamps its own subject row (an
e-mail's "sent" mark) so that running it twice sends nothing the second time.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import Task
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from deadlines.models import OutboxMessage

logger = logging.getLogger(__name__)

KICK_INTERVAL_SECONDS = 0.2
LEASE = timedelta(minutes=2)  # a drain carries out its batch well within it
FIRST_RETRY_SECONDS = 30
LAST_RETRY_SECONDS = 3600
DRAIN_TASK = "deadlines.outbox_drain"

_kick_lock = threading.Lock()
_last_kick = 0.0
_trailing: threading.Timer | None = None  # the kick due at the end of the current interval


def _name(task: Task | str) -> str:
    return task if isinstance(task, str) else task.name


def _message(name: str, args: Sequence[Any], now: datetime) -> OutboxMessage:
    return OutboxMessage(task=name, args=list(args), created_at=now, available_at=now)


def enqueue(task: Task | str, *args: Any) -> None:
    """Write ``task(*args)`` into the outbox, in the caller's transaction (arguments as JSON)."""
    now = timezone.now()
    _message(_name(task), args, now).save(force_insert=True)
    transaction.on_commit(kick)


def enqueue_many(task: Task | str, arg_lists: Iterable[Sequence[Any]]) -> int:
    """Write one message per argument list in a single statement. Returns how many."""
    now = timezone.now()
    name = _name(task)
    rows = [_message(name, args, now) for args in arg_lists]
    if rows:
        OutboxMessage.objects.bulk_create(rows)
        transaction.on_commit(kick)
    return len(rows)


def _eager() -> bool:
    from takedown.celery import app

    return bool(app.conf.task_always_eager)


def kick() -> None:
    """Ask the worker to drain now (after a commit). Never fails, never waits long.

    Skipped while the broker is marked down. A process kicks at most once per
    ``KICK_INTERVAL_SECONDS``: a commit within that interval of the last kick is followed
    by one more kick when the interval ends (the drain started by the last one may have
    claimed its rows before this commit), so every commit is drained within the interval
    without waiting for beat.
    """
    global _last_kick, _trailing
    if not _eager():
        now = time.monotonic()
        with _kick_lock:
            wait = KICK_INTERVAL_SECONDS - (now - _last_kick)
            if wait > 0:
                if _trailing is None:
                    # Not a daemon: a process that exits within the interval (a command, a
                    # script) still sends it, at most one interval later.
                    _trailing = threading.Timer(wait, _trailing_kick)
                    _trailing.start()
                return
            _last_kick = now
    _publish_drain()


def _trailing_kick() -> None:
    global _last_kick, _trailing
    with _kick_lock:
        _trailing = None
        _last_kick = time.monotonic()
    _publish_drain()


def _publish_drain() -> None:
    from deadlines.tasks import outbox_drain
    from takedown.tasks import publish

    publish(outbox_drain)


def _available(now: datetime, limit: int):
    rows = (
        OutboxMessage.objects.filter(available_at__lte=now)
        .exclude(claimed_until__gt=now)
        .order_by("available_at", "id")
    )
    if connection.vendor == "postgresql":
        rows = rows.select_for_update(skip_locked=True)
    return rows[:limit]


def claim(*, limit: int = 100, now: datetime | None = None) -> list[OutboxMessage]:
    """Take up to ``limit`` available rows for this drain (see the module's docstring)."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(_available(now, limit))
        if rows:
            until = now + LEASE
            OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(claimed_until=until)
            for row in rows:
                row.claimed_until = until
    return rows


def retry_delay(attempts: int) -> float:
    """Seconds before attempt ``attempts + 1``: 30 s, doubling, at most an hour."""
    return float(min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), LAST_RETRY_SECONDS))


def _failed(row: OutboxMessage, error: str) -> None:
    row.attempts += 1
    row.last_error = error[:200]
    row.available_at = timezone.now() + timedelta(seconds=retry_delay(row.attempts))
    row.claimed_until = None
    row.save(update_fields=["attempts", "last_error", "available_at", "claimed_until"])


def _task(name: str) -> Task | None:
    """The registered task of that name; its app's ``tasks`` module is imported if need be."""
    from takedown.celery import app

    if name not in app.tasks:
        try:
            importlib.import_module(f"{name.split('.', 1)[0]}.tasks")
        except ImportError:
            return None
    return app.tasks.get(name)


@dataclass
class DrainResult:
    done: int = 0
    failed: int = 0
    more: bool = False


def run_claimed(rows: Sequence[OutboxMessage]) -> DrainResult:
    """Run the tasks of claimed rows; delete the rows that ran, reschedule the rest."""
    from takedown.tasks import publish

    result = DrainResult()
    done: list[int] = []
    for row in rows:
        task = _task(row.task)
        if task is None:  # written by a newer release: wait for a worker that knows it
            _failed(row, f"unknown task {row.task}")
            result.failed += 1
            continue
        try:
            if getattr(task, "outbox_via_pool", False):
                # Long or network-bound: the worker pool runs it under its own time limit.
                if not publish(task, *row.args):
                    raise ConnectionError("broker unavailable")
            else:
                task(*row.args)
        except Exception as exc:
            logger.warning("outbox %s %s failed (attempt %s): %s", row.pk, row.task, row.attempts + 1, exc,
                           exc_info=True)
            _failed(row, f"{type(exc).__name__}: {exc}")
            result.failed += 1
            continue
        done.append(row.pk)
    if done:
        OutboxMessage.objects.filter(pk__in=done).delete()
    result.done = len(done)
    return result


def batch_size() -> int:
    return int(getattr(settings, "OUTBOX_BATCH", 100))


def drain(*, max_seconds: float | None = None) -> DrainResult:
    """Carry out available rows, batch by batch, until none is left or the budget is spent."""
    started = time.monotonic()
    total = DrainResult()
    while True:
        rows = claim(limit=batch_size())
        batch = run_claimed(rows)
        total.done += batch.done
        total.failed += batch.failed
        if len(rows) < batch_size():
            return total
        if max_seconds is not None and time.monotonic() - started >= max_seconds:
            total.more = True
            return total


def waiting() -> dict[str, int]:
    """Rows not carried out yet, by task (for health checks and tests)."""
    counts: dict[str, int] = {}
    for name in OutboxMessage.objects.values_list("task", flat=True).order_by()[:100000]:
        counts[name] = counts.get(name, 0) + 1
    return counts
