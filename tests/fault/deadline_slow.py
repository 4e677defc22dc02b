"""Fault injection: slow down the response timer handlers and report progress.

Imported into a Celery worker (``celery worker -I tests.fault.deadline_slow``) or the
driver, it widens the window in which a batch is in flight so a test can kill the
process in the middle of one. After each handler call it appends a line to the file
named by ``FAULT_PROGRESS_FILE`` (outside the database: that write survives a kill,
the batch's database work does not).
"""

from __future__ import annotations

import os
import time

from complaints.clock import RESPONSE_BREACH, RESPONSE_REMINDER
from deadlines import registry

DELAY = float(os.environ.get("FAULT_HANDLER_DELAY", "0.05"))
PROGRESS = os.environ.get("FAULT_PROGRESS_FILE", "")


def _slowed(inner):
    def handler(timer):
        time.sleep(DELAY)
        outcome = inner(timer)
        if PROGRESS:
            with open(PROGRESS, "a") as out:
                out.write(f"{os.getpid()} {timer.pk} {outcome}\n")
        return outcome

    handler.slowed = True
    return handler


for _kind in (RESPONSE_REMINDER, RESPONSE_BREACH):
    _inner = registry.timer_handlers.get(_kind)
    if not getattr(_inner, "slowed", False):
        # Replaced in place: the registry refuses a second handler for a kind.
        registry.timer_handlers._handlers[_kind] = _slowed(_inner)


def _announce_ready(**_kwargs) -> None:
    # Lets a test wait until a worker consumes, instead of guessing how long it boots.
    ready = os.environ.get("FAULT_READY_FILE", "")
    if ready:
        with open(ready, "a") as out:
            out.write(f"{os.getpid()}\n")


try:
    from celery.signals import worker_ready

    worker_ready.connect(_announce_ready, weak=False)
except ImportError:  # pragma: no cover - celery is a dependency
    pass
