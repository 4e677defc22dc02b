"""Celery tasks of the deadline engine, by stable name."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


def _budget_seconds() -> float:
    # Well inside the task's soft time limit and the beat entry's expiry.
    return settings.DEADLINE_SWEEP_BUDGET_SECONDS


@shared_task(name="deadlines.sweep", ignore_result=True, acks_late=True)
def sweep_task() -> dict:
    """One sweep: batches until nothing due is left or the budget is spent, then hand over.

    When the last batch was still full, the task publishes itself again instead of
    waiting for the next beat tick, so a backlog drains at full speed; several copies
    running at once are safe (each batch takes only rows nobody else holds).
    """
    from deadlines.sweep import sweep

    result = sweep(max_seconds=_budget_seconds())
    if result.fired or result.failed:
        logger.info("deadline sweep: %s fired, %s failed in %s batches", result.fired, result.failed, result.batches)
    if result.more_due:
        try:
            sweep_task.apply_async(retry=False)
        except Exception as exc:  # the next beat tick catches up
            logger.warning("could not re-enqueue the sweep (%s)", type(exc).__name__)
    return {"fired": result.fired, "failed": result.failed, "batches": result.batches, "more_due": result.more_due}


@shared_task(name="deadlines.email_notifications", ignore_result=True, acks_late=True, max_retries=5, default_retry_delay=60)
def email_notifications(notification_ids: list[int]) -> int:
    """Send the e-mail copy of staff notifications (each at most once)."""
    from deadlines.services import send_notification_emails

    return send_notification_emails(notification_ids)


@shared_task(name="deadlines.outbox_drain", ignore_result=True)
def outbox_drain() -> dict:
    """Carry out the outbox's waiting rows (beat runs it every second; commits kick it).

    Several copies at once are safe: each takes only rows nobody else holds. When the
    budget ran out with rows left, it publishes itself again rather than wait for beat.
    """
    from deadlines import outbox
    from takedown.tasks import publish

    result = outbox.drain(max_seconds=_budget_seconds())
    if result.more:
        publish(outbox_drain)
    return {"done": result.done, "failed": result.failed, "more": result.more}
