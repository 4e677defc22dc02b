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

    from audit.integrity import verify_log
    from audit.preservation import schedule_missing_retention
    from audit.services import SYSTEM, audit_record

    report = verify_log()
    if report.ok:
        logger.info("audit log %s", report.summary())
    else:
        logger.critical("audit log %s", report.summary())
    # The check itself is on the record, so a skipped or failed night is visible later.
    with transaction.atomic():
        audit_record(
            actor=SYSTEM,
            code="log.verified",
            target=("auditlog", report.leaves),
            details={
                "ok": report.ok,
                "leaves": report.leaves,
                "checkpoints": report.checkpoints,
                "first_bad_index": report.first_bad_index,
                "problem": report.problems[0] if report.problems else "",
            },
        )
    schedule_missing_retention()
    return report.ok


@shared_task(
    name="audit.build_export",
    ignore_result=True,
    acks_late=True,
    time_limit=3 * 3600,
    soft_time_limit=3 * 3600 - 60,
)
def build_export_task(export_id: int) -> None:
    from audit.exports import build_export

    build_export(export_id)
