"""Celery tasks of the audit app (stable names; scheduled in takedown/schedule.py)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="audit.sequence_and_checkpoint", ignore_result=True, time_limit=60, soft_time_limit=50)
def sequence_and_checkpoint_task() -> int:
    from audit.sequencer import sequence_and_checkpoint

    result = sequence_and_checkpoint()
    return result.sequenced


@shared_task(name="audit.verify_log", ignore_result=True, time_limit=6 * 3600, soft_time_limit=6 * 3600 - 60)
def verify_log_task() -> bool:
    from django.db import transaction

    from audit import events
    from audit.integrity import verify_log

    report = verify_log()
    if report.ok:
        logger.info("audit log %s", report.summary())
    else:
        logger.critical("audit log %s", report.summary())
    # The check itself is on the record, so a skipped or failed night is visible later.
    with transaction.atomic():
        events.log_verified(report)
    return report.ok
