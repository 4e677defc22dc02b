"""Periodic tasks run by Celery beat, by their stable task names.

Kept apart from settings so it needs no imports of the apps. Deadlines of single
objects are never scheduled here: they are rows in ``deadlines.Timer``, swept below.
"""

from celery.schedules import crontab

from takedown.settings_env import env_int

BEAT_SCHEDULE: dict[str, dict] = {
    "deadlines-sweep": {
        "task": "deadlines.sweep",
        "schedule": float(env_int("DEADLINE_SWEEP_SECONDS", 30)),
        "options": {"expires": 25},
    },
    "audit-sequence-and-checkpoint": {
        "task": "audit.sequence_and_checkpoint",
        "schedule": 1.0,
        "options": {"expires": 5},
    },
    "audit-verify-nightly": {
        "task": "audit.verify_log",
        "schedule": crontab(hour=3, minute=15),
    },
    "preservation-retention-safety-net": {
        "task": "preservation.schedule_missing_retention",
        "schedule": crontab(hour=3, minute=45),
    },
    # Commits kick the drain; this tick takes what a lost or skipped kick left behind.
    "deadlines-outbox-drain": {
        "task": "deadlines.outbox_drain",
        "schedule": float(env_int("OUTBOX_DRAIN_SECONDS", 1)),
        "options": {"expires": 5},
    },
    "reports-dsa-submit": {
        "task": "reports.dsa_submit",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "prevention-detect-spikes": {
        "task": "prevention.detect_spikes",
        "schedule": 10.0,
        "options": {"expires": 9},
    },
}
