"""Publishing Celery tasks from request code without ever failing the request."""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)

# After a failed publish, requests skip the broker for this long instead of each waiting
# out the connection timeout; the work falls back or is left to the sweeps meanwhile.
BROKER_RETRY_SECONDS = 15.0
_broker_down_until = 0.0


def broker_marked_down() -> bool:
    return time.monotonic() < _broker_down_until


def enqueue(task: Task, *args: Any, fallback_inline: bool = False, **kwargs: Any) -> None:
    """Publish ``task`` once the surrounding transaction commits.

    If the broker is unreachable the request still succeeds: with ``fallback_inline``
    the task runs here and now, otherwise the work is left to the periodic sweep,
    which finds it from the database state.
    """

    def run_inline() -> None:
        try:
            task.apply(args=args, kwargs=kwargs)
        except Exception:
            logger.exception("inline fallback of %s failed", task.name)

    def publish() -> None:
        global _broker_down_until
        if broker_marked_down():
            if fallback_inline:
                run_inline()
            return
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception as exc:
            _broker_down_until = time.monotonic() + BROKER_RETRY_SECONDS
            logger.warning(
                "broker unavailable for %s (%s); not publishing for %.0f s",
                task.name, type(exc).__name__, BROKER_RETRY_SECONDS,
            )
            if fallback_inline:
                run_inline()

    transaction.on_commit(publish)
