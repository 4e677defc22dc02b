"""Celery tasks of preservation (stable names; periodic ones in takedown/schedule.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    # The name it had when exports were part of the audit app: queued messages still run.
    name="audit.build_export",
    ignore_result=True,
    acks_late=True,
    time_limit=3 * 3600,
    soft_time_limit=3 * 3600 - 60,
    outbox_via_pool=True,  # hours of work: the worker pool, not the outbox's drain
)
def build_export_task(export_id: int) -> None:
    from preservation.exports import build_export

    build_export(export_id)


@shared_task(name="preservation.schedule_missing_retention", ignore_result=True, time_limit=3600)
def schedule_missing_retention_task() -> int:
    """Nightly safety net: every closed case has its retention timer."""
    from preservation.retention import schedule_missing_retention

    return schedule_missing_retention()
