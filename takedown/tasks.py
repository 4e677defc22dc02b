"""Publishing a Celery task without ever failing or stalling the caller.

Request code does not publish: it writes its effects into the outbox
(``deadlines.outbox``), whose rows the worker carries out. What is published here is
only a nudge (drain the outbox now, sweep again), which the periodic tasks make up for
when it is lost.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import Task

logger = logging.getLogger(__name__)

# After a failed publish, callers skip the broker for this long instead of each waiting
# out the connection timeout; the periodic tasks catch up meanwhile.
BROKER_RETRY_SECONDS = 15.0
_broker_down_until = 0.0


def broker_marked_down() -> bool:
    return time.monotonic() < _broker_down_until


def publish(task: Task, *args: Any, **kwargs: Any) -> bool:
    """Publish ``task`` now; False (and a warning, once per outage) if the broker is away."""
    global _broker_down_until
    if broker_marked_down():
        return False
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception as exc:
        _broker_down_until = time.monotonic() + BROKER_RETRY_SECONDS
        logger.warning(
            "broker unavailable for %s (%s); not publishing for %.0f s",
            task.name, type(exc).__name__, BROKER_RETRY_SECONDS,
        )
        return False
    return True
