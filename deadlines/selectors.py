"""Reads of the deadline engine: the deadline board, breach states, staff notifications."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Min
from django.utils import timezone

from audit.models import AuditEvent
from complaints.models import Complaint
from deadlines.arithmetic import TIME_LEFT_BANDS, percentile, time_left_band
from deadlines.models import Breach, StaffNotification, Timer

# The audit event a decision writes (moderation); the first one ends a notice's clock.
DECISION_EVENT = "decision.made"
_RUNNING = (Complaint.Status.RECEIVED, Complaint.Status.IN_REVIEW)


# --- Staff notifications -------------------------------------------------------------------

def unread_notification_count(user) -> int:
    """How many notifications the user has not read: for the staff header's badge."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return StaffNotification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(user, *, limit: int = 100, unread_only: bool = False) -> list[StaffNotification]:
    rows = StaffNotification.objects.filter(user=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return list(rows.order_by("-created_at", "-pk")[:limit])


# --- Breach state (for the queue's ``?overdue=1`` and case pages) --------------------------

def breach_states(complaint_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """{complaint id: {"due_at", "breached_at"}} for those of the given notices that breached."""
    return {
        row["complaint_id"]: {"due_at": row["due_at"], "breached_at": row["breached_at"]}
        for row in Breach.objects.filter(complaint_id__in=list(complaint_ids)).values(
            "complaint_id", "due_at", "breached_at"
        )
    }


def overdue_complaints(now: datetime | None = None):
    """Open notices past their deadline with a running clock, most overdue first (a queryset)."""
    now = now or timezone.now()
    return Complaint.objects.filter(status__in=_RUNNING, response_due_at__lt=now).order_by("response_due_at", "pk")


def response_timers(complaint: Complaint) -> list[Timer]:
    """The notice's reminder and breach timers, for its case page."""
    return list(
        Timer.objects.filter(target_type="complaint", target_id=complaint.pk).order_by("due_at", "pk")
    )


# --- The deadline board --------------------------------------------------------------------

@dataclass(frozen=True)
class OpenNotice:
    pk: int
    reference: str
    priority: str
    status: str
    status_label: str
    due_at: datetime
    seconds_left: float
    band: str
    breached: bool


def open_by_time_left(*, now: datetime | None = None, limit: int = 50) -> list[OpenNotice]:
    """Open notices with a running clock, soonest deadline first (overdue ones at the top)."""
    now = now or timezone.now()
    rows = list(
        Complaint.objects.filter(status__in=_RUNNING, response_due_at__isnull=False)
        .order_by("response_due_at", "pk")
        .only("pk", "received_at", "priority", "status", "response_due_at")[:limit]
    )
    breached = breach_states(r.pk for r in rows)
    return [
        OpenNotice(
            pk=r.pk,
            reference=r.reference,
            priority=r.priority,
            status=r.status,
            status_label=str(r.get_status_display()),
            due_at=r.response_due_at,
            seconds_left=(r.response_due_at - now).total_seconds(),
            band=time_left_band(r.response_due_at, now),
            breached=r.pk in breached,
        )
        for r in rows
    ]


def time_left_counts(*, now: datetime | None = None) -> dict[str, int]:
    """How many open notices fall in each band of time left, plus how many are paused.

    Counted in the database, one conditional count per band: the board must stay fast
    with a large backlog.
    """
    from django.db.models import Count, Q

    now = now or timezone.now()
    running = Q(status__in=_RUNNING, response_due_at__isnull=False)
    aggregates: dict[str, Any] = {}
    lower = None
    for bound, key in TIME_LEFT_BANDS:
        upper = now + timedelta(hours=bound)
        condition = running & Q(response_due_at__lt=upper)
        if lower is not None:
            condition &= Q(response_due_at__gte=lower)
        aggregates[key] = Count("pk", filter=condition)
        lower = upper
    aggregates["later"] = Count("pk", filter=running & Q(response_due_at__gte=lower))
    aggregates["paused"] = Count("pk", filter=Q(status=Complaint.Status.WAITING_COMPLAINANT))
    aggregates["incomplete"] = Count("pk", filter=Q(status=Complaint.Status.INCOMPLETE))
    return Complaint.objects.filter(status__in=Complaint.OPEN_STATUSES).aggregate(**aggregates)


def recent_breaches(*, limit: int = 20) -> list[dict[str, Any]]:
    # Only what the board shows: the notice's personal data is never loaded here.
    rows = (
        Breach.objects.select_related("complaint")
        .only("priority", "due_at", "breached_at", "policy_version",
              "complaint__id", "complaint__received_at", "complaint__status")
        .order_by("-breached_at", "-pk")[:limit]
    )
    return [
        {
            "reference": b.complaint.reference,
            "priority": b.priority,
            "due_at": b.due_at,
            "breached_at": b.breached_at,
            "policy_version": b.policy_version,
            "status": b.complaint.status,
            "open": b.complaint.is_open,
        }
        for b in rows
    ]


def first_decisions(*, since: datetime, until: datetime) -> dict[int, datetime]:
    """{complaint id: time of its first decision} for first decisions made in [since, until)."""
    firsts = (
        AuditEvent.objects.filter(code=DECISION_EVENT, target_type="complaint")
        .values("target_id")
        .annotate(first=Min("created_at"))
        .filter(first__gte=since, first__lt=until)
    )
    return {int(row["target_id"]): row["first"] for row in firsts}


@dataclass(frozen=True)
class Performance:
    since: datetime
    until: datetime
    handled: int
    within_deadline: int
    median_hours: float | None
    p90_hours: float | None
    breaches: int
    hours_to_act: list[float]

    @property
    def share_within(self) -> float | None:
        return self.within_deadline / self.handled if self.handled else None


def performance(*, since: datetime | None = None, until: datetime | None = None, days: int = 90) -> Performance:
    """Deadline performance over a period: notices first decided in it, breaches recorded in it.

    Time to act runs from validity (when the clock started) to the first decision;
    "within deadline" compares the first decision with the deadline as it finally
    stood (moved by any time spent waiting for the complainant).
    """
    until = until or timezone.now()
    since = since or until - timedelta(days=days)
    decided = first_decisions(since=since, until=until)
    hours: list[float] = []
    within = 0
    notices = Complaint.objects.filter(pk__in=list(decided), valid_at__isnull=False).values_list(
        "pk", "valid_at", "response_due_at"
    )
    for pk, valid_at, due_at in notices:
        decided_at = decided[pk]
        hours.append(max(0.0, (decided_at - valid_at).total_seconds() / 3600))
        if due_at is not None and decided_at <= due_at:
            within += 1
    return Performance(
        since=since,
        until=until,
        handled=len(hours),
        within_deadline=within,
        median_hours=percentile(hours, 0.5),
        p90_hours=percentile(hours, 0.9),
        breaches=Breach.objects.filter(breached_at__gte=since, breached_at__lt=until).count(),
        hours_to_act=hours,
    )


def hours_histogram(hours: Iterable[float], edges: tuple[float, ...] = (4, 24, 72, 168)) -> list[tuple[str, int]]:
    """Counts of times to act in bands bounded by ``edges`` (hours), labelled for display."""
    counts: Counter[int] = Counter()
    for h in hours:
        index = next((i for i, edge in enumerate(edges) if h < edge), len(edges))
        counts[index] += 1
    labels = [f"< {edges[0]:g} h"] + [f"{a:g}–{b:g} h" for a, b in zip(edges, edges[1:], strict=False)] + [f"≥ {edges[-1]:g} h"]
    return [(label, counts[i]) for i, label in enumerate(labels)]
