"""The scheduler really has its periodic tasks, each naming a registered task."""

from takedown.celery import app


def test_beat_runs_the_sweeps_the_product_depends_on():
    schedule = app.conf.beat_schedule
    tasks = {entry["task"] for entry in schedule.values()}
    assert {"deadlines.sweep", "audit.sequence_and_checkpoint", "audit.verify_log", "prevention.detect_spikes"} <= tasks
    app.loader.import_default_modules()
    assert tasks <= set(app.tasks), sorted(tasks - set(app.tasks))
