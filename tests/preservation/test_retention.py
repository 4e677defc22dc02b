"""Retention: a closed case's personal data goes after six months, never while held."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from audit.integrity import verify_log
from audit.models import AuditEvent
from audit.sequencer import sequence_and_checkpoint
from complaints.models import Complaint
from deadlines.models import Timer
from deadlines.sweep import sweep
from preservation.holds import place_hold, release_hold
from preservation.retention import RETENTION_EXPIRY, schedule_retention

pytestmark = pytest.mark.django_db


def _close(complaint: Complaint) -> Complaint:
    # Closing is the moderation app's service; here only its outcome matters.
    Complaint.objects.filter(pk=complaint.pk).update(status=Complaint.Status.CLOSED)
    complaint.refresh_from_db()
    with transaction.atomic():
        schedule_retention(complaint)
    return complaint


def test_retention_is_at_least_six_months(make_complaint, settings):
    settings.AUDIT_RETENTION_DAYS = 30  # too short: the floor applies
    complaint = _close(make_complaint())
    timer = Timer.objects.get(kind=RETENTION_EXPIRY, target_id=complaint.pk)
    assert timer.due_at - timezone.now() > timedelta(days=182)


def test_expiry_erases_personal_data_keeps_hashes_and_the_log_verifies(make_complaint, django_capture_on_commit_callbacks):
    complaint = _close(make_complaint(evidence=True))
    evidence = complaint.evidence.get()
    original_name, digest = evidence.original.name, evidence.sha256
    stored_files = 1 + bool(evidence.display)
    assert default_storage.exists(original_name)
    sequence_and_checkpoint()

    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=timezone.now() + timedelta(days=184))
    timer = Timer.objects.get(kind=RETENTION_EXPIRY, target_id=complaint.pk)
    assert timer.outcome == "erased"
    complaint.refresh_from_db()
    assert (complaint.complainant_name, complaint.complainant_email, complaint.complainant_phone) == ("", "", "")
    assert complaint.explanation == "" and complaint.victim_name == ""
    evidence.refresh_from_db()
    assert evidence.sha256 == digest and not evidence.original
    assert not default_storage.exists(original_name)
    erased = AuditEvent.objects.get(code="case.personal_data_erased")
    assert erased.details == {"files": stored_files, "messages": 0, "counter_notices": 0, "appeals": 0}
    assert "chen" not in str(list(AuditEvent.objects.values_list("details", flat=True))).lower()
    sequence_and_checkpoint()
    assert verify_log().ok


def test_held_case_keeps_its_data_until_release_then_retention_restarts(make_complaint):
    complaint = _close(make_complaint())
    hold = place_hold(complaints=[complaint], reason="Order", actor="user:1")
    sweep(now=timezone.now() + timedelta(days=184))
    assert Timer.objects.get(kind=RETENTION_EXPIRY, target_id=complaint.pk).outcome == "skipped:held"
    complaint.refresh_from_db()
    assert complaint.complainant_email == "chen@example.com"
    release_hold(hold, actor="user:1")
    pending = Timer.objects.get(kind=RETENTION_EXPIRY, target_id=complaint.pk, state=Timer.State.PENDING)
    assert pending.due_at - timezone.now() > timedelta(days=182)
