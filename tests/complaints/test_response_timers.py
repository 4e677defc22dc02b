"""Reminders before the deadline and escalation at it, through the real sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from complaints import clock, hooks
from complaints import events as clock_events
from complaints.models import Breach, Complaint
from deadlines import services, timers
from deadlines.models import StaffNotification, Timer
from deadlines.sweep import sweep
from takedown import roles
from tests.factories import make_user as make_staff
from tests.factories import submit_notice


def _events(complaint, code):
    return list(AuditEvent.objects.filter(target_type="complaint", target_id=str(complaint.pk), code=code))


@pytest.mark.django_db
def test_intake_schedules_reminders_at_half_and_four_fifths_and_the_breach_at_the_deadline():
    received = timezone.now().replace(microsecond=0)
    notice = submit_notice(received=received)  # home address: P1, 72 h
    rows = Timer.objects.filter(target_type="complaint", target_id=notice.pk).order_by("due_at")
    assert [(t.kind, t.due_at - received, t.payload.get("fraction")) for t in rows] == [
        (clock.RESPONSE_REMINDER, timedelta(hours=36), 0.5),
        (clock.RESPONSE_REMINDER, timedelta(hours=57.6), 0.8),
        (clock.RESPONSE_BREACH, timedelta(hours=72), None),
    ]


@pytest.mark.django_db
def test_reminder_goes_to_the_moderators_when_nobody_is_assigned(moderator, django_capture_on_commit_callbacks):
    other = make_staff("mod2", roles.MODERATOR)
    make_staff("inv", roles.INVESTIGATOR)
    notice = submit_notice(received=timezone.now() - timedelta(hours=40))  # past the 50 % reminder only

    with django_capture_on_commit_callbacks(execute=True):
        result = sweep()

    assert result.outcomes == {"response_reminder:reminded": 1}
    notes = StaffNotification.objects.filter(kind="deadline.reminder")
    assert sorted(n.user_id for n in notes) == sorted([moderator.pk, other.pk])
    assert all(notice.reference in n.subject and n.link == f"/staff/cases/{notice.reference}/" for n in notes)
    assert "50 %" in notes[0].body
    staff_mail = [m.to[0] for m in mail.outbox if m.to[0].endswith("@desk.example")]  # the receipt went out too
    assert sorted(staff_mail) == ["mod1@desk.example", "mod2@desk.example"]
    assert all(n.emailed_at is not None for n in StaffNotification.objects.all())
    (event,) = _events(notice, clock_events.REMINDED.code)
    assert event.details["fraction"] == 0.5 and event.details["to"] == roles.MODERATOR
    # No complainant contact data in the log, which outlives retention.
    assert "chen@example.com" not in str(event.details)


@pytest.mark.django_db
def test_reminder_goes_only_to_the_assigned_moderator_when_one_is_known(moderator, monkeypatch):
    assigned = make_staff("assigned", roles.MODERATOR)
    monkeypatch.setattr(hooks.case_assignee, "_receivers", [lambda complaint: assigned])
    submit_notice(received=timezone.now() - timedelta(hours=40))
    sweep()
    assert list(StaffNotification.objects.values_list("user_id", flat=True)) == [assigned.pk]


@pytest.mark.django_db
def test_breach_is_recorded_once_and_senior_moderators_are_alerted(
    moderator, senior, long_ago, django_capture_on_commit_callbacks
):
    notice = submit_notice(received=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep()
    assert result.outcomes["response_breach:breached"] == 1
    assert result.outcomes["response_reminder:reminded"] == 2

    breach = Breach.objects.get(complaint=notice)
    assert breach.due_at == notice.response_due_at and breach.priority == "P1"
    assert breach.policy_version == notice.policy.version
    (event,) = _events(notice, clock_events.BREACHED.code)
    assert event.actor == "system" and event.details["reference"] == notice.reference
    (alert,) = StaffNotification.objects.filter(kind="deadline.breach")
    assert alert.user_id == senior.pk and notice.reference in alert.subject
    assert [m.subject for m in mail.outbox if m.to == ["senior1@desk.example"]] == [alert.subject]

    # A second breach timer for the same notice (scheduled twice by mistake) changes nothing.
    timers.schedule(clock.RESPONSE_BREACH, notice, notice.response_due_at + timedelta(seconds=1))
    again = sweep()
    assert again.outcomes == {"response_breach:skipped:already": 1}
    assert len(_events(notice, clock_events.BREACHED.code)) == 1
    assert StaffNotification.objects.filter(kind="deadline.breach").count() == 1


@pytest.mark.django_db
def test_nothing_fires_for_a_notice_already_decided(senior, long_ago):
    notice = submit_notice(received=long_ago)
    # Stands in for the moderation service's decision, which moves the status.
    Complaint.objects.filter(pk=notice.pk).update(status=Complaint.Status.DECIDED)
    result = sweep()
    assert result.outcomes == {"response_reminder:skipped:closed": 2, "response_breach:skipped:closed": 1}
    assert not Breach.objects.exists() and not StaffNotification.objects.exists()
    assert not _events(notice, clock_events.BREACHED.code)


@pytest.mark.django_db
def test_incomplete_notice_has_no_clock_and_no_timers(long_ago):
    notice = submit_notice(received=long_ago, complete=False)
    assert notice.status == Complaint.Status.INCOMPLETE and notice.response_due_at is None
    assert not Timer.objects.filter(target_id=notice.pk, target_type="complaint").exists()


@pytest.mark.django_db
def test_notify_staff_skips_inactive_users_and_mails_each_notification_once(
    moderator, django_capture_on_commit_callbacks
):
    gone = make_staff("gone", roles.MODERATOR)
    gone.is_active = False
    gone.save()
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rows = services.notify_staff(role=roles.MODERATOR, kind="test", subject="Hello", body="B", link="/staff/x/")
    assert [r.user_id for r in rows] == [moderator.pk]
    assert len(mail.outbox) == 1 and "/staff/x/" in mail.outbox[0].body
    assert services.send_notification_emails([r.pk for r in rows]) == 0  # a redelivered task sends nothing
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_reminder_falls_back_to_the_moderators_when_the_assignee_was_deactivated(moderator, monkeypatch):
    gone = make_staff("left_the_team", roles.MODERATOR)
    gone.is_active = False
    gone.save()
    monkeypatch.setattr(hooks.case_assignee, "_receivers", [lambda complaint: gone])
    notice = submit_notice(received=timezone.now() - timedelta(hours=40))
    sweep()
    assert list(StaffNotification.objects.values_list("user_id", flat=True)) == [moderator.pk]
    (event,) = _events(notice, clock_events.REMINDED.code)
    assert event.details["to"] == roles.MODERATOR
