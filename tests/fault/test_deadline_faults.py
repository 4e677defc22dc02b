"""The deadline engine under real faults: killed workers, concurrent sweeps, a dead broker.

Every test runs real processes (Celery workers, drivers, a redis-server) against its
own database; see tests/fault/deadline_env.py. Each is bounded well under 60 s.
"""

from __future__ import annotations

import json
import shutil
import time

import pytest
from django.db import connection
from kombu.exceptions import OperationalError

from tests.fault import deadline_env
from tests.fault.deadline_env import wait_for

# The private environment's fixtures (kept out of the shared conftest).
deadline_fault_template = deadline_env.deadline_fault_template
deadline_fault_env = deadline_env.deadline_fault_env

pytestmark = pytest.mark.fault

NOTICES = 40  # x 3 response timers (two reminders and the breach), all due
SENIORS = 2


def _assert_each_due_timer_handled_once(env) -> None:
    assert env.due_pending() == 0
    assert env.scalar("SELECT COUNT(*) FROM deadlines_timer WHERE state = 'done'") == NOTICES * 3
    assert env.scalar("SELECT COUNT(*) FROM deadlines_breach") == NOTICES
    assert env.scalar("SELECT COUNT(*) FROM audit_auditevent WHERE code = 'deadline.breached'") == NOTICES
    assert env.scalar("SELECT COUNT(*) FROM audit_auditevent WHERE code = 'deadline.reminded'") == NOTICES * 2
    assert env.scalar(
        "SELECT COUNT(*) FROM deadlines_staffnotification WHERE kind = 'deadline.breach'"
    ) == NOTICES * SENIORS
    assert env.duplicates() == {"breach_events": 0, "reminder_events": 0, "notifications": 0}


def test_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(deadline_fault_env):
    env = deadline_fault_env
    env.driver("seed", str(NOTICES))
    progress = env.var_dir / "progress.txt"
    env.extra_env = {"DEADLINE_SWEEP_BATCH": "50"}
    worker = env.start_worker(
        include="tests.fault.deadline_slow", FAULT_HANDLER_DELAY="0.1", FAULT_PROGRESS_FILE=str(progress)
    )
    env.publish_sweep()
    # Wait until the worker is inside its first batch (handlers ran, nothing committed yet).
    wait_for(lambda: progress.exists() and len(progress.read_text().splitlines()) >= 10, 40, "a batch in flight")
    env.kill(worker)

    handled_before_kill = len(progress.read_text().splitlines())
    committed = env.scalar("SELECT COUNT(*) FROM deadlines_timer WHERE state = 'done'")
    assert committed < handled_before_kill, "the kill must land inside a batch"
    # All or nothing per batch: what committed is whole batches, with their breaches.
    assert committed % 50 == 0
    assert env.duplicates() == {"breach_events": 0, "reminder_events": 0, "notifications": 0}

    env.start_worker(name="w2")
    env.publish_sweep()  # the next beat tick
    wait_for(lambda: env.due_pending() == 0, 40, "the restarted worker to catch up", every=0.5)
    _assert_each_due_timer_handled_once(env)


def test_two_sweeps_at_once_never_do_anything_twice(deadline_fault_env):
    env = deadline_fault_env
    env.driver("seed", str(NOTICES))
    env.extra_env = {"DEADLINE_SWEEP_BATCH": "10"}
    first = env.driver_async("sweep", "--slow", "0.02")
    second = env.driver_async("sweep", "--slow", "0.02")
    results = []
    for process in (first, second):
        out, err = process.communicate(timeout=50)
        assert process.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(r["fired"] for r in results) == NOTICES * 3
    assert all(r["failed"] == 0 for r in results)
    _assert_each_due_timer_handled_once(env)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server on PATH (a private one is started)")
def test_two_workers_sharing_the_sweep_never_do_anything_twice(deadline_fault_env):
    env = deadline_fault_env
    env.start_redis()  # the production layout: separate workers behind one Redis broker
    env.driver("seed", str(NOTICES))
    progress, ready = env.var_dir / "progress.txt", env.var_dir / "ready.txt"
    # One batch of 10 per task, then the task hands over: the work spreads over both workers.
    env.extra_env = {"DEADLINE_SWEEP_BATCH": "10", "DEADLINE_SWEEP_BUDGET_SECONDS": "0",
                     "FAULT_HANDLER_DELAY": "0.03", "FAULT_PROGRESS_FILE": str(progress),
                     "FAULT_READY_FILE": str(ready)}
    env.start_worker(include="tests.fault.deadline_slow", name="w1")
    env.start_worker(include="tests.fault.deadline_slow", name="w2")
    wait_for(lambda: ready.exists() and len(ready.read_text().split()) == 2, 40, "both workers to be ready")
    # Beat keeps ticking while the sweeps run, as it does in production; each tick is
    # one more sweep task for whichever worker is free, so both end up taking part.
    deadline = time.monotonic() + 45
    while env.due_pending() and time.monotonic() < deadline:
        env.publish_sweep()
        time.sleep(0.5)
    assert env.due_pending() == 0, "the two workers did not drain the backlog in time"
    _assert_each_due_timer_handled_once(env)
    workers = {line.split()[0] for line in progress.read_text().splitlines()}
    if connection.vendor == "postgresql":
        # With SKIP LOCKED the two split the work. SQLite's one write lock may let one
        # worker win every batch (the embedded default runs a single worker anyway).
        assert len(workers) == 2, "both workers took part"


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server on PATH (a private one is started)")
def test_broker_down_intake_still_works_and_the_sweep_catches_up_when_it_is_back(deadline_fault_env):
    env = deadline_fault_env
    env.start_redis()
    worker = env.start_worker()
    env.driver("seed", str(NOTICES))  # every response timer of these is due; beat has not ticked yet
    # Their receipts went out through the outbox, kicked by the commits.
    wait_for(lambda: env.scalar("SELECT COUNT(*) FROM deadlines_outboxmessage") == 0, 45, "the receipts of the seed")
    env.stop_redis()

    # While the broker is down: notices are still accepted through the public API ...
    answer = env.driver("api", "2")
    assert answer["statuses"] == [201, 201]
    assert env.scalar("SELECT COUNT(*) FROM complaints_complaint") == NOTICES + 2
    # ... with their clocks started in the database, where the sweep will find them.
    assert env.scalar(
        "SELECT COUNT(*) FROM deadlines_timer WHERE kind = 'response_breach' AND state = 'pending'"
    ) == NOTICES + 2
    # ... and their receipts wait in the outbox, written with them.
    assert env.scalar("SELECT COUNT(*) FROM deadlines_outboxmessage WHERE task = 'complaints.send_acknowledgement'") == 2
    with pytest.raises(OperationalError):
        env.publish_sweep()  # beat cannot publish either: nothing due is handled meanwhile
    assert env.due_pending() == NOTICES * 3

    env.start_redis()  # back on the same port
    if worker.poll() is not None:  # a worker that gave up is restarted by its supervisor
        env.start_worker(name="w2")
    env.publish_sweep()
    wait_for(lambda: env.due_pending() == 0, 45, "the sweep to catch up after the outage", every=0.5)
    _assert_each_due_timer_handled_once(env)
    env.publish_sweep("deadlines.outbox_drain")  # beat's next tick: no receipt was lost
    wait_for(lambda: env.scalar("SELECT COUNT(*) FROM deadlines_outboxmessage") == 0, 45, "the outbox to drain")
    assert env.scalar("SELECT COUNT(*) FROM complaints_complaint WHERE receipt_token != ''") == 0
