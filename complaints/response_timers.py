"""What the response clock's timers do when due: remind before the deadline, escalate at it.

Registered as timer handlers in ``complaints.extensions``.

Each handler runs inside the sweep's transaction with its timer row locked, re-reads
the notice under a row lock and acts only if the notice's state still calls for it,
so a retry, a second sweeper or a stale timer does nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import events, hooks
from complaints.models import Breach, Complaint
from deadlines import services
from deadlines.models import Timer
from takedown import roles

# A notice waiting for the complainant has its clock stopped: its timers were cancelled
# at pause, and one that slipped through must not fire.
_CLOCK_RUNNING = (Complaint.Status.RECEIVED, Complaint.Status.IN_REVIEW)


def case_link(complaint: Complaint) -> str:
    return f"/staff/cases/{complaint.reference}/"


def assignee_of(complaint: Complaint):
    """The moderator working on the notice now, if a higher layer knows one."""
    return next((user for user in hooks.case_assignee(complaint) if user is not None), None)


def breach_record(*, complaint: Complaint, due_at: datetime, now: datetime | None = None) -> Breach | None:
    """Record that ``complaint`` missed its response deadline, once.

    Call while holding the complaint's row lock. Returns None if it was already recorded.
    """
    if Breach.objects.filter(complaint=complaint).exists():
        return None
    now = now or timezone.now()
    row = Breach.objects.create(
        complaint=complaint, due_at=due_at, breached_at=now, priority=complaint.priority,
        policy_version=complaint.policy.version,
    )
    events.breached(complaint=complaint, due_at=due_at, at=now)
    return row


def _locked_complaint(timer: Timer) -> Complaint | None:
    return Complaint.objects.select_for_update().select_related("policy").filter(pk=timer.target_id).first()


def _skip_reason(complaint: Complaint | None, timer: Timer) -> str | None:
    if complaint is None:
        return "skipped:gone"
    if not complaint.is_open:
        return "skipped:closed"
    if complaint.status not in _CLOCK_RUNNING:
        return "skipped:paused"
    if complaint.response_due_at is None:
        return "skipped:no_deadline"
    return None


def remind(timer: Timer) -> str:
    complaint = _locked_complaint(timer)
    skip = _skip_reason(complaint, timer)
    if skip:
        return skip
    if timer.due_at >= complaint.response_due_at:
        # Scheduled against a deadline that has since moved earlier: it would remind late.
        return "skipped:stale"
    fraction = timer.payload.get("fraction")
    assignee = assignee_of(complaint)
    due = complaint.response_due_at
    subject = _("Reminder: %(reference)s (%(priority)s) is due %(due)s UTC") % {
        "reference": complaint.reference,
        "priority": complaint.priority,
        "due": f"{due:%Y-%m-%d %H:%M}",
    }
    share = f"{round(fraction * 100)} %" if isinstance(fraction, (int, float)) else "-"
    body = _("%(share)s of the response time of %(reference)s has passed. Please decide before %(due)s UTC.") % {
        "share": share,
        "reference": complaint.reference,
        "due": f"{due:%Y-%m-%d %H:%M}",
    }
    sent = []
    if assignee is not None:
        sent = services.notify_staff(
            users=[assignee], kind="deadline.reminder", subject=subject, body=body, link=case_link(complaint)
        )
    if not sent:  # nobody holds the case, or its holder's account was deactivated
        assignee = None
        sent = services.notify_staff(
            role=roles.MODERATOR, kind="deadline.reminder", subject=subject, body=body, link=case_link(complaint)
        )
    events.reminded(complaint=complaint, fraction=fraction, to="assignee" if assignee is not None else roles.MODERATOR,
                    recipients=[n.user_id for n in sent])
    return "reminded" if sent else "reminded:nobody"


def breach(timer: Timer) -> str:
    complaint = _locked_complaint(timer)
    skip = _skip_reason(complaint, timer)
    if skip:
        return skip
    if complaint.response_due_at > timer.due_at:
        # The deadline moved later (the clock was paused and resumed): a newer timer owns it.
        return "skipped:stale"
    recorded = breach_record(complaint=complaint, due_at=complaint.response_due_at, now=timezone.now())
    if recorded is None:
        return "skipped:already"
    subject = _("Deadline breached: %(reference)s (%(priority)s)") % {
        "reference": complaint.reference,
        "priority": complaint.priority,
    }
    body = _("%(reference)s was due %(due)s UTC and has not been decided. Please take it over or reassign it.") % {
        "reference": complaint.reference,
        "due": f"{complaint.response_due_at:%Y-%m-%d %H:%M}",
    }
    services.notify_staff(
        role=roles.SENIOR_MODERATOR, kind="deadline.breach", subject=subject, body=body, link=case_link(complaint)
    )
    return "breached"
