"""Celery tasks of the prevention app, by stable name."""

from __future__ import annotations

import logging
import time

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="prevention.detect_spikes", ignore_result=True, acks_late=True, time_limit=60, soft_time_limit=50)
def detect_spikes_task() -> int:
    """Score the signal buckets closed since the last run (beat: every 10 s).

    Safe to run twice at once: the detector's cursor row is locked for the whole run, so
    the second run waits and then finds nothing new to score.
    """
    from prevention.detection import detect_spikes, forget_old

    alerts = detect_spikes()
    if alerts:
        logger.warning("trend detection raised %d alert(s): %s", len(alerts), ", ".join(a.target for a in alerts))
    # Housekeeping once a minute is plenty; retention is counted in hours.
    if int(time.time()) // 10 % 6 == 0:
        forget_old()
    return len(alerts)
