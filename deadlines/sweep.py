"""The sweep: fire every due timer exactly once, in bounded batches.

Each batch is one transaction. On PostgreSQL it takes the due rows with
``SELECT ... FOR UPDATE SKIP LOCKED``, so any number of sweepers (two workers, a beat
tick and the management command) split the work between them and never fire a row
twice. On SQLite there is a single writer at a time and every transaction is opened
``IMMEDIATE`` (see settings), so a batch holds the write lock from its first read:
a second sweeper waits, then finds the rows already done.

A handler runs inside the batch's transaction with its timer row locked; its work and
the timer's move to ``done`` commit together or not at all. A worker killed in the
middle of a batch therefore leaves the whole batch pending, and the next sweep does it.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from deadlines import registry
from deadlines.models import Timer

logger = logging.getLogger(__name__)

# A handler that raises this many times in a row is set aside as failed instead of
# being retried forever at the head of the queue.
MAX_ATTEMPTS = 5


def batch_size() -> int:
    return settings.DEADLINE_SWEEP_BATCH


@dataclass
class BatchResult:
    taken: int = 0
    fired: int = 0
    failed: int = 0
    outcomes: Counter = field(default_factory=Counter)

    @property
    def full(self) -> bool:
        return self.taken >= batch_size()


@dataclass
class SweepResult:
    batches: int = 0
    fired: int = 0
    failed: int = 0
    more_due: bool = False
    unknown_kinds: dict[str, int] = field(default_factory=dict)
    outcomes: Counter = field(default_factory=Counter)

    def add(self, batch: BatchResult) -> None:
        self.batches += 1
        self.fired += batch.fired
        self.failed += batch.failed
        self.outcomes.update(batch.outcomes)


def _due_rows(now: datetime, limit: int) -> list[Timer]:
    known = registry.kinds()
    due = Timer.objects.filter(state=Timer.State.PENDING, due_at__lte=now, kind__in=known).order_by("due_at", "id")
    if connection.vendor == "postgresql":
        due = due.select_for_update(skip_locked=True, of=("self",))
    # SQLite: the surrounding IMMEDIATE transaction already holds the database's one write lock.
    return list(due[:limit])


class _HandlerFailed(Exception):
    """A handler raised during a fast batch: the batch is rolled back and done carefully."""


def sweep_batch(*, now: datetime | None = None, limit: int | None = None) -> BatchResult:
    """Fire up to ``limit`` due timers (oldest first) in one transaction.

    The fast path runs every handler of the batch without savepoints (two round trips
    per timer saved). If one raises, that whole transaction is rolled back and the
    batch is taken again with a savepoint per timer, so only the failing timer's work
    is undone and it alone is retried later.
    """
    try:
        return _run_batch(now=now, limit=limit or batch_size(), careful=False)
    except _HandlerFailed:
        return _run_batch(now=now, limit=limit or batch_size(), careful=True)


def _run_batch(*, now: datetime | None, limit: int, careful: bool) -> BatchResult:
    result = BatchResult()
    with transaction.atomic():
        cutoff = now or timezone.now()
        rows = _due_rows(cutoff, limit)
        result.taken = len(rows)
        by_outcome: dict[str, list[int]] = {}
        for timer in rows:
            handler = registry.handler_for(timer.kind)
            if handler is None:  # unregistered between the query and here: leave it pending
                continue
            if not careful:
                try:
                    outcome = handler(timer)
                except Exception as exc:
                    raise _HandlerFailed from exc
            else:
                try:
                    with transaction.atomic():
                        outcome = handler(timer)
                except Exception as exc:
                    _record_failure(timer, exc)
                    result.failed += 1
                    continue
            outcome = str(outcome or "done")[:40]
            by_outcome.setdefault(outcome, []).append(timer.pk)
            result.outcomes[f"{timer.kind}:{outcome}"] += 1
        # The real moment of the transition: lateness is measured as fired_at - due_at.
        fired_at = timezone.now()
        for outcome, ids in by_outcome.items():
            _mark_done(ids, fired_at, outcome)
            result.fired += len(ids)
    return result


def _mark_done(ids: list[int], fired_at: datetime, outcome: str) -> None:
    if connection.vendor == "postgresql":
        # One array parameter instead of 500 placeholders: less to send, parse and plan
        # on the hot path (see bench/b_deadlines.py).
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Timer._meta.db_table} SET state = %s, fired_at = %s, outcome = %s WHERE id = ANY(%s)",
                [Timer.State.DONE, fired_at, outcome, ids],
            )
    else:
        Timer.objects.filter(pk__in=ids).update(state=Timer.State.DONE, fired_at=fired_at, outcome=outcome)


def _record_failure(timer: Timer, exc: Exception) -> None:
    timer.attempts += 1
    timer.last_error = f"{type(exc).__name__}: {exc}"[:200]
    if timer.attempts >= MAX_ATTEMPTS:
        timer.state = Timer.State.FAILED
        timer.fired_at = timezone.now()
        timer.outcome = "failed"
    logger.exception("timer %s (%s) failed, attempt %s", timer.pk, timer.kind, timer.attempts)
    timer.save(update_fields=["attempts", "last_error", "state", "fired_at", "outcome"])


def unknown_due(now: datetime | None = None) -> dict[str, int]:
    """Due pending timers whose kind has no handler in this process, by kind.

    They are never taken (so never lost): they wait until a release that knows them.
    """
    now = now or timezone.now()
    rows = (
        Timer.objects.filter(state=Timer.State.PENDING, due_at__lte=now)
        .exclude(kind__in=registry.kinds())
        .values_list("kind")
        .order_by()
    )
    return dict(Counter(kind for (kind,) in rows[:10000]))


def sweep(*, now: datetime | None = None, max_seconds: float | None = None, max_batches: int | None = None) -> SweepResult:
    """Run batches until nothing due is left, or a time or batch budget is spent.

    ``more_due`` tells the caller a batch was still full when the budget ran out.
    """
    started = time.monotonic()
    result = SweepResult()
    while True:
        batch = sweep_batch(now=now)
        result.add(batch)
        if not batch.full:
            break
        if max_batches is not None and result.batches >= max_batches:
            result.more_due = True
            break
        if max_seconds is not None and time.monotonic() - started >= max_seconds:
            result.more_due = True
            break
    unknown = unknown_due(now)
    if unknown:
        logger.warning("due timers of unknown kinds left pending: %s", unknown)
    result.unknown_kinds = unknown
    return result
