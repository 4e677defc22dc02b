"""The response clock driven by the real moderator workspace: claims, request-info, decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from complaints import clock
from complaints import events as clock_events
from complaints import services as complaint_services
from complaints.models import Breach, ClockPause, Complaint
from complaints.selectors import performance
from deadlines.models import StaffNotification, Timer
from deadlines.sweep import sweep
from moderation import services as moderation
from moderation.models import Measure
from takedown import roles
from tests.factories import make_user as make_staff
from tests.factories import submit_notice


def _remove(**extra) -> moderation.DecisionInput:
    return moderation.DecisionInput(
        measure=Measure.REMOVE,
        facts="The post shows the complainant's home address.",
        legal_ground="Civil Code Art. 1195; PIPL Art. 28",
        explanation="Home address disclosed without consent.",
        redress="You may appeal within 6 months.",
        **extra,
    )


@pytest.mark.django_db
def test_reminder_reaches_only_the_moderator_holding_the_claim(moderator):
    make_staff("mod2", roles.MODERATOR)
    notice = submit_notice(received=timezone.now() - timedelta(hours=40))
    moderation.claim_take(complaint=notice, user=moderator)
    sweep()
    assert list(StaffNotification.objects.values_list("user_id", flat=True)) == [moderator.pk]
    event = AuditEvent.objects.get(code=clock_events.REMINDED.code)
    assert event.details["to"] == "assignee"


@pytest.mark.django_db
def test_request_info_stops_the_clock_the_answer_restarts_it_and_the_decision_ends_it(moderator, senior):
    received = timezone.now() - timedelta(hours=20)
    notice = submit_notice(received=received)
    due = notice.response_due_at
    moderation.claim_take(complaint=notice, user=moderator)
    moderation.decision_create(
        complaint=notice, user=moderator,
        data=moderation.DecisionInput(measure=Measure.REQUEST_INFO, explanation="Please send the second link."),
    )
    notice.refresh_from_db()
    assert notice.status == Complaint.Status.WAITING_COMPLAINANT
    assert ClockPause.objects.filter(complaint=notice, resumed_at__isnull=True).exists()
    assert not Timer.objects.filter(target_id=notice.pk, kind__in=clock.RESPONSE_KINDS, state="pending").exists()

    complaint_services.complaint_add_message(complaint=notice, body="Here it is: https://social.example/p/2")
    notice.refresh_from_db()
    assert notice.status == Complaint.Status.IN_REVIEW
    assert notice.response_due_at > due  # moved by the time spent waiting
    assert Timer.objects.filter(target_id=notice.pk, kind=clock.RESPONSE_BREACH, state="pending").count() == 1

    moderation.claim_take(complaint=notice, user=moderator)
    moderation.decision_create(complaint=notice, user=moderator, data=_remove())
    # Long after the deadline: the decided notice neither reminds nor breaches.
    result = sweep(now=timezone.now() + timedelta(days=30))
    assert not Breach.objects.exists()
    ours = {key for key in result.outcomes if key.startswith("response_")}
    assert ours <= {"response_reminder:skipped:closed", "response_breach:skipped:closed"}
    figures = performance()
    assert figures.handled == 1 and figures.within_deadline == 1
    assert figures.median_hours == pytest.approx(20, abs=0.1)
