"""Stopping the clock while waiting for the complainant, and restarting it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from complaints import clock
from complaints import events as clock_events
from complaints import services as complaint_services
from complaints.models import Breach, ClockPause, Complaint
from complaints.selectors import tracking_status
from deadlines.models import Timer
from deadlines.sweep import sweep
from tests.factories import submit_notice


def request_info(complaint: Complaint, *, now=None) -> None:
    """What the moderation service does on "request more information": pause, then wait."""
    with transaction.atomic():
        clock.pause(complaint, now=now)
        Complaint.objects.filter(pk=complaint.pk).update(status=Complaint.Status.WAITING_COMPLAINANT)


def _pending(notice):
    return list(
        Timer.objects.filter(target_type="complaint", target_id=notice.pk, state=Timer.State.PENDING).order_by("due_at")
    )


@pytest.mark.django_db
def test_pause_cancels_pending_response_timers_and_keeps_the_time_left():
    received = timezone.now() - timedelta(hours=40)  # 50 % reminder due, 80 % and breach pending
    notice = submit_notice(received=received)
    sweep()
    paused_at = received + timedelta(hours=41)
    request_info(notice, now=paused_at)

    stop = ClockPause.objects.get(complaint=notice)
    assert stop.remaining_seconds == pytest.approx(31 * 3600)
    assert [(k["kind"], round(k["offset_seconds"] / 3600, 1)) for k in stop.pending_timers] == [
        (clock.RESPONSE_REMINDER, 16.6),
        (clock.RESPONSE_BREACH, 31.0),
    ]
    assert _pending(notice) == []
    # A paused notice never breaches, however late it gets.
    assert sweep(now=timezone.now() + timedelta(days=30)).fired == 0
    assert not Breach.objects.exists()
    assert tracking_status(Complaint.objects.get(pk=notice.pk), [])["timeline"][-1]["code"] == clock_events.PAUSED.code


@pytest.mark.django_db
def test_resume_moves_the_deadline_by_the_time_waited_and_reschedules_what_was_left():
    received = timezone.now() - timedelta(days=5)
    notice = submit_notice(received=received)  # P1: due received + 72 h
    original_due = notice.response_due_at
    request_info(notice, now=received + timedelta(hours=10))
    resumed_at = received + timedelta(hours=70)  # waited 60 hours
    # A newer policy meanwhile must not change this notice's deadline.
    complaint_services.deadline_policy_publish(actor="system", values={"p1_hours": 1, "reminder_fractions": [0.1]})

    resumed = clock.resume(notice, now=resumed_at)

    assert resumed.status == Complaint.Status.IN_REVIEW
    assert resumed.response_due_at == original_due + timedelta(hours=60)
    assert resumed.policy_id == notice.policy_id
    assert [(t.kind, t.due_at - resumed_at) for t in _pending(notice)] == [
        (clock.RESPONSE_REMINDER, timedelta(hours=26)),  # 50 % at 36 h, paused at 10 h
        (clock.RESPONSE_REMINDER, timedelta(hours=47.6)),
        (clock.RESPONSE_BREACH, timedelta(hours=62)),
    ]
    event = AuditEvent.objects.get(code=clock_events.RESUMED.code, target_id=str(notice.pk))
    assert event.details["waited_seconds"] == 60 * 3600
    assert event.details["response_due_at"] == resumed.response_due_at.isoformat()
    # Resuming twice does nothing more.
    assert clock.resume(notice, now=resumed_at + timedelta(hours=1)).response_due_at == resumed.response_due_at
    assert AuditEvent.objects.filter(code=clock_events.RESUMED.code).count() == 1


@pytest.mark.django_db
def test_pausing_twice_keeps_the_first_pause():
    notice = submit_notice()
    first = clock.pause(notice)
    with transaction.atomic():
        assert clock.pause(notice) is None
    assert ClockPause.objects.filter(complaint=notice).count() == 1
    assert ClockPause.objects.get().pk == first.pk


@pytest.mark.django_db
def test_a_complainant_message_restarts_a_stopped_clock():
    notice = submit_notice()
    request_info(notice)
    complaint_services.complaint_add_message(complaint=notice, body="Here is the second link you asked for.")
    notice.refresh_from_db()
    assert notice.status == Complaint.Status.IN_REVIEW
    assert ClockPause.objects.get(complaint=notice).resumed_at is not None
    assert len(_pending(notice)) == 3
    resumed = AuditEvent.objects.get(code=clock_events.RESUMED.code, target_id=str(notice.pk))
    assert resumed.actor == "complainant"


@pytest.mark.django_db
def test_complainant_activity_on_a_running_clock_changes_nothing():
    notice = submit_notice()
    due = notice.response_due_at
    complaint_services.complaint_add_message(complaint=notice, body="Any news?")
    notice.refresh_from_db()
    assert notice.status == Complaint.Status.RECEIVED and notice.response_due_at == due
    assert not AuditEvent.objects.filter(code=clock_events.RESUMED.code).exists()


@pytest.mark.django_db
def test_a_breach_timer_left_over_from_before_the_pause_does_not_fire_early():
    received = timezone.now() - timedelta(days=5)
    notice = submit_notice(received=received)
    old_breach = Timer.objects.get(target_id=notice.pk, kind=clock.RESPONSE_BREACH)
    request_info(notice, now=received + timedelta(hours=10))
    clock.resume(notice, now=received + timedelta(hours=70))
    # Make the old instant pending again, as a race with another writer could.
    Timer.objects.filter(pk=old_breach.pk).update(state=Timer.State.PENDING)
    result = sweep()
    assert result.outcomes.get("response_breach:skipped:stale") == 1
    assert not Breach.objects.exists()


@pytest.mark.django_db
def test_stopping_the_clock_of_a_decided_notice_cancels_only_its_response_timers():
    notice = submit_notice()
    other = submit_notice()
    assert clock.stop(notice) == 3
    assert _pending(notice) == [] and len(_pending(other)) == 3
