"""Reads of the complaint channel and of the response clock (the deadline board)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from audit.events import public_labels
from audit.models import AuditEvent
from complaints import hooks
from complaints.models import Breach, Complaint
from complaints.vocabulary import MISSING_LABELS, PRIORITY_LABELS
from deadlines.arithmetic import TIME_LEFT_BANDS, percentile, time_left_band

# The audit event a decision writes (moderation.events); the first one ends a notice's
# clock. Named here by its code: the log's vocabulary, not an import of a higher layer.
DECISION_EVENT = "decision.made"
_RUNNING = (Complaint.Status.RECEIVED, Complaint.Status.IN_REVIEW)

def public_timeline(complaint: Complaint) -> list[dict[str, Any]]:
    """The complaint's history as the complainant sees it: when and what, never who.

    Only events whose type has a public label (``audit.events.EventType``) are shown.
    """
    labels = public_labels()
    events = AuditEvent.objects.filter(
        target_type="complaint", target_id=str(complaint.pk), code__in=list(labels)
    ).order_by("id").values("created_at", "code")
    return [{"at": e["created_at"], "code": e["code"], "label": labels[e["code"]]} for e in events]


def complaint_by_reference(reference: str) -> Complaint | None:
    parsed = Complaint.pk_from_reference(reference)
    if parsed is None:
        return None
    year, pk = parsed
    complaint = Complaint.objects.select_related("policy").filter(pk=pk).first()
    if complaint is None or complaint.received_at.year != year:
        return None
    return complaint


@dataclass(frozen=True)
class TrackingSection:
    """A section of the tracking page that a higher layer adds (``hooks.tracking_sections``).

    ``data`` is what both the page (``template`` renders ``section.data``) and the
    tracking API (under ``sections[key]``) show: one source, so they cannot disagree.
    It holds JSON values only, and never a staff member's identity. ``on_receipt``: the
    complainant must know it at once, so the page shown right after filing has it too.
    """

    key: str
    template: str
    data: dict[str, Any]
    on_receipt: bool = False


def tracking_sections(complaint: Complaint, token: str) -> list[TrackingSection]:
    """The sections that apply to this complaint, in layer order."""
    return [section for section in hooks.tracking_sections(complaint, token) if section is not None]


def tracking_status(complaint: Complaint, sections: list[TrackingSection]) -> dict[str, Any]:
    """What the tracking page and ``GET /api/v1/track/<token>/`` show. No staff identities.

    ``sections`` come from ``tracking_sections``; the page also renders each with its template.
    """
    return {
        "reference": complaint.reference,
        "status": complaint.status,
        "status_label": complaint.get_status_display(),
        "priority": complaint.priority,
        "priority_label": str(PRIORITY_LABELS.get(complaint.priority, complaint.priority)),
        "received_at": complaint.received_at,
        "response_due_at": complaint.response_due_at,
        "missing": list(complaint.missing),
        "missing_labels": [str(MISSING_LABELS.get(key, key)) for key in complaint.missing],
        "items": [{"url": i.url, "note": i.note} for i in complaint.items.all()],
        "evidence": [
            {"name": e.original_name, "sha256": e.sha256, "content_type": e.content_type, "received_at": e.received_at}
            for e in complaint.evidence.all()
        ],
        "evidence_excerpt": complaint.evidence_excerpt,
        "timeline": public_timeline(complaint),
        "messages": [
            {"at": m.created_at, "from": m.author, "from_label": m.get_author_display(), "body": m.body}
            for m in complaint.messages.all()
        ],
        "sections": {section.key: section.data for section in sections},
    }


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
    # Notices judged against their deadline: decided in the period, plus those whose
    # deadline passed in the period with no decision yet (breached, so not within).
    judged: int = 0

    @property
    def share_within(self) -> float | None:
        return self.within_deadline / self.judged if self.judged else None


def performance(*, since: datetime | None = None, until: datetime | None = None, days: int = 90,
                cases: QuerySet | None = None) -> Performance:
    """Deadline performance over a period: notices first decided in it, breaches recorded in it.

    Time to act runs from validity (when the clock started) to the first decision;
    "within deadline" compares the first decision with the deadline as it finally
    stood (moved by any time spent waiting for the complainant), and its share counts
    only notices decided or breached in the period: a notice still open within its
    deadline is neither. ``cases``: only these notices (a query of complaint ids).
    """
    until = until or timezone.now()
    since = since or until - timedelta(days=days)
    decided = first_decisions(since=since, until=until)
    hours: list[float] = []
    within = 0
    notices = Complaint.objects.filter(pk__in=list(decided), valid_at__isnull=False)
    if cases is not None:
        notices = notices.filter(pk__in=cases)
    notices = notices.values_list("pk", "valid_at", "response_due_at")
    judged_ids = set()
    for pk, valid_at, due_at in notices:
        judged_ids.add(pk)
        decided_at = decided[pk]
        hours.append(max(0.0, (decided_at - valid_at).total_seconds() / 3600))
        if due_at is not None and decided_at <= due_at:
            within += 1
    breached = Breach.objects.filter(breached_at__gte=since, breached_at__lt=until)
    if cases is not None:
        breached = breached.filter(complaint_id__in=cases)
    breached_undecided = set(breached.values_list("complaint_id", flat=True)) - judged_ids
    return Performance(
        since=since,
        until=until,
        judged=len(judged_ids) + len(breached_undecided),
        handled=len(hours),
        within_deadline=within,
        median_hours=percentile(hours, 0.5),
        p90_hours=percentile(hours, 0.9),
        breaches=breached.count(),
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
