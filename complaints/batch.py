"""Filing many notices at once (the batch endpoint): each table written once per batch.

A trusted flagger in a coordinated campaign files up to 100 notices per call. They are
judged, triaged and given their deadlines one by one, exactly as ``complaint_submit``
does, and then stored together in one transaction: one multi-row insert each for the
notices, their items, their audit events (one per notice), their timers and their
acknowledgements, and ``hooks.submitted_many`` (first assessments in one insert too).

Idempotency is per ``client_key``: keys already filed return the first notice
(``created: false``); if a concurrent call files one of the keys in between, the whole
batch is rolled back and filed notice by notice, which resolves each key on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit import actors
from complaints import clock, events, hooks
from complaints.models import Complaint, ComplaintItem
from complaints.services import (
    ComplaintInput,
    Submission,
    _new_complaint,
    _prime_items,
    _set_response_due,
    complaint_submit,
)
from deadlines import outbox


def _already_filed(data: Sequence[ComplaintInput], submitter) -> dict[str, Complaint]:
    keys = [d.client_key for d in data if d.client_key]
    if not keys or submitter is None:
        return {}
    return {c.client_key: c for c in Complaint.objects.filter(submitter=submitter, client_key__in=keys)}


def _store(fresh: list[tuple[ComplaintInput, Complaint]], *, channel: str, submitter) -> None:
    """Write the prepared notices and everything that comes with them. Inside a transaction."""
    complaints = [complaint for _, complaint in fresh]
    Complaint.objects.bulk_create(complaints)
    items = ComplaintItem.objects.bulk_create(
        ComplaintItem(complaint=complaint, position=i, url=url, note=note)
        for data, complaint in fresh
        for i, (url, note) in enumerate(data.items)
    )
    by_complaint: dict[int, list[ComplaintItem]] = {}
    for item in items:
        by_complaint.setdefault(item.complaint_id, []).append(item)
    for complaint in complaints:
        _prime_items(complaint, by_complaint.get(complaint.pk, []))
    actor = actors.for_user(submitter) if submitter is not None else actors.COMPLAINANT
    events.submitted_many(actor=actor, complaints=[(c, len(d.items)) for d, c in fresh], channel=channel)
    clock.start_many([c for c in complaints if c.valid_at])
    hooks.submitted_many(complaints)
    from complaints import tasks

    outbox.enqueue_many(tasks.send_acknowledgement, [(c.pk,) for c in complaints if c.complainant_email])


def complaint_submit_many(
    *, data: Sequence[ComplaintInput], channel: str, submitter=None, now: datetime | None = None
) -> list[Submission]:
    """File several notices (no evidence files); the submissions come back in input order."""
    existing = _already_filed(data, submitter)
    now = now or timezone.now()
    fresh: list[tuple[ComplaintInput, Complaint]] = []
    tokens: dict[int, str] = {}
    for index, item in enumerate(data):
        if item.client_key and item.client_key in existing:
            continue
        complaint, token = _new_complaint(item, channel=channel, submitter=submitter, file_count=0, now=now)
        hooks.before_submit(complaint)
        if complaint.valid_at:
            _set_response_due(complaint)
        fresh.append((item, complaint))
        tokens[index] = token
    try:
        with transaction.atomic():
            if fresh:
                _store(fresh, channel=channel, submitter=submitter)
    except IntegrityError:
        # A concurrent call filed one of these keys meanwhile: settle each key on its own.
        return [complaint_submit(data=item, channel=channel, submitter=submitter, now=now) for item in data]
    for _, complaint in fresh:
        complaint._prefetched_objects_cache = {}  # later reads of the items go to the database
    stored = iter(complaint for _, complaint in fresh)
    return [
        Submission(existing[item.client_key], None, created=False)
        if index not in tokens
        else Submission(next(stored), tokens[index], created=True)
        for index, item in enumerate(data)
    ]
