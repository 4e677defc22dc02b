"""Background delivery of webhooks to the host platform."""

from __future__ import annotations

from celery import shared_task

from hostplatform import services


@shared_task(name="hostplatform.deliver", acks_late=True, ignore_result=True, soft_time_limit=30, time_limit=60,
             outbox_via_pool=True)
def deliver(delivery_id: int) -> str:
    """Deliver one webhook if it is still pending and due.

    Takes an ID and re-reads the row under lock, so a redelivered or duplicate task
    does nothing; retries are not Celery retries but the ``webhook_retry`` timer, a
    database row that survives worker restarts.
    """
    return services.delivery_attempt(delivery_id)
