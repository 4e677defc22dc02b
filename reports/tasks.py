"""Background work of the reports app."""

from __future__ import annotations

import logging

from celery import shared_task

from reports import tdb

logger = logging.getLogger(__name__)


@shared_task(name="reports.dsa_submit", acks_late=True, ignore_result=True, soft_time_limit=1800, time_limit=1860)
def dsa_submit() -> dict:
    """Send the statements of reasons not yet in the DSA Transparency Database.

    Safe to run twice or concurrently: a statement already there (same puid) is recorded as
    accepted, never created again. Retries with backoff happen inside one run (bounded by
    DSA_TDB_MAX_RETRIES); what is still pending after that is taken by the next run (beat,
    hourly), not by a long-delayed Celery retry.
    """
    try:
        return tdb.submit_pending()
    except tdb.Transient as exc:
        logger.warning("DSA submission postponed to the next run: %s", exc)
        return {"state": "postponed", "error": str(exc)}
    except tdb.Stop as exc:
        logger.error("DSA submission stopped: %s", exc)
        return {"state": "stopped", "error": str(exc)}
