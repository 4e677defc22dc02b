"""Publishing Celery tasks from request code without ever failing the request."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Task, *args: Any, fallback_inline: bool = False, **kwargs: Any) -> None:
    """Publish ``task`` once the surrounding transaction commits.

    If the broker is unreachable the request still succeeds: with ``fallback_inline``
    the task runs here and now, otherwise the work is left to the periodic sweep,
    which finds it from the database state.
    """

    def publish() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception as exc:
            logger.warning("broker unavailable for %s (%s)", task.name, type(exc).__name__)
            if fallback_inline:
                try:
                    task.apply(args=args, kwargs=kwargs)
                except Exception:
                    logger.exception("inline fallback of %s failed", task.name)

    transaction.on_commit(publish)
