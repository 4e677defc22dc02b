"""Reads of the moderator workspace: the queue, a case, related cases, the complainant's panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditEvent
from complaints import hooks as complaint_hooks
from complaints.models import Complaint, ComplaintItem, Evidence, Message
from complaints.selectors import TrackingSection
from deadlines.models import Timer
from moderation import hooks
from moderation.models import Appeal, Claim, ConversationRead, Decision
from moderation.redress import (
    APPEAL_POSSIBLE,
    appeal_note,
    appeal_status,
    appeal_until,
    redress_text,
)
from moderation.services.common import REVIEWERS
from takedown import roles
from takedown.crypto import digests_for

BREACH_KIND = "response_breach"
PAGE_SIZE_DEFAULT = 25
PAGE_SIZE_MAX = 100
PRIORITIES = ("P0", "P1", "P2")


# --- Time left, in plain words ------------------------------------------------------------


def _phrases() -> dict[str, str]:
    """The phrases of a time-left text in the active language, looked up once per page."""
    return {
        "dh": _("%(d)d d %(h)d h"), "d": _("%(d)d d"), "hm": _("%(h)d h %(m)d min"), "h": _("%(h)d h"),
        "m": _("%(m)d min"), "left": _("%(span)s left"), "overdue": _("overdue by %(span)s"),
        "none": _("no deadline yet (report incomplete)"),
    }


def _span(seconds: float, p: dict[str, str]) -> str:
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return p["dh"] % {"d": days, "h": hours} if hours else p["d"] % {"d": days}
    if hours:
        return p["hm"] % {"h": hours, "m": mins} if mins else p["h"] % {"h": hours}
    return p["m"] % {"m": max(mins, 0)}


def time_left_text(due: datetime | None, now: datetime, phrases: dict[str, str] | None = None) -> str:
    """'3 h 20 min left', 'overdue by 2 h', or why there is no deadline yet."""
    p = phrases or _phrases()
    if due is None:
        return p["none"]
    delta = (due - now).total_seconds()
    if delta >= 0:
        return p["left"] % {"span": _span(delta, p)}
    return p["overdue"] % {"span": _span(-delta, p)}


# --- The queue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    priority: str = ""
    status: str = ""
    kind: str = ""
    language: str = ""
    overdue: bool = False


@dataclass
class QueuePage:
    rows: list[Complaint]
    counts: dict[str, int]
    overdue_count: int
    total: int
    page: int
    page_size: int
    now: datetime
    has_next: bool
    cap: int

    def shown(self, n: int) -> str:
        """A count as displayed: above the cap it reads "1000+"."""
        return f"{self.cap}+" if n > self.cap else str(n)

    @property
    def counts_shown(self) -> dict[str, str]:
        return {p: self.shown(n) for p, n in self.counts.items()}

    @property
    def total_shown(self) -> str:
        return self.shown(self.total)

    @property
    def overdue_shown(self) -> str:
        return self.shown(self.overdue_count)


def _open_cases() -> QuerySet[Complaint]:
    return Complaint.objects.filter(status__in=Complaint.OPEN_STATUSES)


def _with_kind(qs: QuerySet[Complaint], kind: str) -> QuerySet[Complaint]:
    if connection.vendor == "postgresql":
        return qs.filter(disclosed_info__contains=[kind])
    # SQLite has no JSON containment: the stored list is text, match the quoted key.
    return qs.filter(disclosed_info__icontains=f'"{kind}"')


def _filtered(filters: QueueFilters, now: datetime) -> QuerySet[Complaint]:
    qs = _open_cases()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = _with_kind(qs, filters.kind)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.overdue:
        qs = qs.filter(response_due_at__lt=now)
    return qs


def count_cap() -> int:
    return settings.QUEUE_COUNT_CAP


def queue_counts(filters: QueueFilters, now: datetime) -> tuple[dict[str, int], int]:
    """(open cases per priority, overdue among the selected), each counted up to the cap.

    Four queries, each stopping at ``cap + 1`` rows: a count above the cap is shown as
    "1000+", so the page costs the same at a million open notices as at a hundred.
    Counts ignore the priority filter, so the page can show what the other tabs hold.
    """
    cap = count_cap()
    qs = _filtered(filters, now).order_by()
    counts = {p: qs.filter(priority=p).values("pk")[: cap + 1].count() for p in PRIORITIES}
    late = qs.filter(response_due_at__lt=now)
    if filters.priority:
        late = late.filter(priority=filters.priority)
    return counts, late.values("pk")[: cap + 1].count()


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _unread_for(user) -> dict[str, Any]:
    """Annotations: what the complainant sent after this user last read the conversation
    (their messages, and evidence files added after the notice)."""
    read_until = Coalesce(
        Subquery(ConversationRead.objects.filter(user=user, complaint=OuterRef(OuterRef("pk")))
                 .values("read_until")[:1]),
        Value(EPOCH),
    )
    messages = (Message.objects.filter(complaint=OuterRef("pk"), author=Message.Author.COMPLAINANT)
                .filter(created_at__gt=read_until).order_by().values("complaint").annotate(c=Count("pk")).values("c"))
    files = (Evidence.objects.filter(complaint=OuterRef("pk"), received_at__gt=OuterRef("received_at"))
             .filter(received_at__gt=read_until).order_by().values("complaint").annotate(c=Count("pk")).values("c"))
    return {
        "unread_message_count": Coalesce(Subquery(messages[:1]), Value(0)),
        "unread_evidence_count": Coalesce(Subquery(files[:1]), Value(0)),
    }


def queue_rows(filters: QueueFilters, *, page: int, page_size: int, now: datetime,
               extra: int = 0, reader=None) -> list[Complaint]:
    """One page of open cases, most urgent first: priority, then deadline (incomplete last).

    One query. The page's ids are chosen first in an inner query, so the joined columns
    (claim holder, item count, breach time) are computed for the page's rows only,
    however deep the page. ``extra`` rows beyond the page tell whether there is a next.
    """
    qs = _filtered(filters, now)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    order = ("priority", F("response_due_at").asc(nulls_last=True), "pk")
    start = (page - 1) * page_size
    page_ids = qs.order_by(*order).values("pk")[start: start + page_size + extra]
    active_claims = Claim.objects.filter(complaint=OuterRef("pk"), state=Claim.State.ACTIVE, expires_at__gt=now)
    rows = list(
        Complaint.objects.filter(pk__in=page_ids)
        .annotate(
            claimed_by=Subquery(active_claims.values("moderator__username")[:1]),
            claim_expires_at=Subquery(active_claims.values("expires_at")[:1]),
            breached_at=Subquery(
                Timer.objects.filter(
                    kind=BREACH_KIND, target_type="complaint", target_id=OuterRef("pk"), state=Timer.State.DONE,
                    outcome="breached",  # a breach timer that found the case closed or paused was no breach
                ).values("fired_at")[:1]
            ),
            item_count=Subquery(
                ComplaintItem.objects.filter(complaint=OuterRef("pk"))
                .order_by().values("complaint").annotate(c=Count("pk")).values("c")[:1]
            ),
        )
        .annotate(**(_unread_for(reader) if reader is not None else {}))
        .only("id", "status", "priority", "priority_reasons", "disclosed_info", "harms", "language", "received_at",
              "response_due_at", "threat_to_life", "victim_is_minor", "source")
        .order_by(*order)
    )
    phrases = _phrases()
    for row in rows:
        row.time_left = time_left_text(row.response_due_at, now, phrases)
        row.is_overdue = bool(row.response_due_at and row.response_due_at < now)
        row.unread_messages = getattr(row, "unread_message_count", 0) + getattr(row, "unread_evidence_count", 0)
    return rows


def queue_page(filters: QueueFilters, *, page: int = 1, page_size: int = PAGE_SIZE_DEFAULT,
               now: datetime | None = None, reader=None) -> QueuePage:
    """The queue as the page and the API show it: five queries whatever the page size.

    With ``reader`` each row also counts what the complainant sent that this user has not read.
    """
    now = now or timezone.now()
    page_size = max(1, min(int(page_size), PAGE_SIZE_MAX))
    page = max(1, int(page))
    counts, overdue = queue_counts(filters, now)
    rows = queue_rows(filters, page=page, page_size=page_size, now=now, extra=1, reader=reader)
    has_next = len(rows) > page_size
    total = counts[filters.priority] if filters.priority else sum(counts.values())
    return QueuePage(rows[:page_size], counts, overdue, total, page, page_size, now, has_next, count_cap())


def next_case_reference(user, *, after: str = "", now: datetime | None = None) -> str | None:
    """The first case of the queue's order that is free or the user's own, skipping ``after``."""
    now = now or timezone.now()
    for page in range(1, 6):
        rows = queue_rows(QueueFilters(), page=page, page_size=PAGE_SIZE_MAX, now=now)
        for row in rows:
            if row.reference != after and row.claimed_by in (None, user.get_username()):
                return row.reference
        if len(rows) < PAGE_SIZE_MAX:
            return None
    return None


# --- One case ------------------------------------------------------------------------------------


def case_history(complaint: Complaint) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_type="complaint", target_id=str(complaint.pk)).order_by("id"))


def related_cases(complaint: Complaint, limit: int = 20) -> list[dict[str, Any]]:
    """Other cases with the same victim, the same location, or the same disclosed value."""
    found: dict[int, set[str]] = {}

    def add(ids, reason: str) -> None:
        for pk in ids:
            if pk != complaint.pk:
                found.setdefault(pk, set()).add(reason)

    urls = [i.url for i in complaint.items.all()]
    if urls:
        add(ComplaintItem.objects.filter(url__in=urls).values_list("complaint_id", flat=True)[:limit], "same_url")
    if complaint.victim_name_digest:
        # A keyed digest of the victim's normalised name: names are encrypted at rest.
        # Every configured key's digest, so the lookup holds during a key rotation.
        add(
            Complaint.objects.filter(victim_name_digest__in=digests_for(complaint, "victim_name_digest"))
            .values_list("pk", flat=True)[:limit],
            "same_victim",
        )
    hashes = [e.sha256 for e in complaint.evidence.all()]
    if hashes:
        add(Evidence.objects.filter(sha256__in=hashes).values_list("complaint_id", flat=True)[:limit], "same_evidence")
    for extra in hooks.related_cases(complaint, limit):
        for pk, reason in extra.items():
            add([pk], reason)
    cases = Complaint.objects.filter(pk__in=list(found)[:limit]).only("id", "received_at", "status", "priority")
    return [
        {"reference": c.reference, "status": c.status, "priority": c.priority, "reasons": sorted(found[c.pk])}
        for c in sorted(cases, key=lambda c: c.pk)
    ]


def related_cases_for(complaint: Complaint, user, limit: int = 20) -> list[dict[str, Any]]:
    """Related cases as this user may see them: a moderator sees all; anyone else (an
    investigator) only those they may open themselves, so nothing outside their legal
    request shows, not even a reference."""
    related = related_cases(complaint, limit)
    if roles.has_role(user, *REVIEWERS):
        return related
    visible = []
    for row in related:
        other = Complaint.pk_from_reference(row["reference"])
        case = Complaint.objects.filter(pk=other[1]).first() if other else None
        if case is not None and any(complaint_hooks.case_visible(user, case)):
            visible.append(row)
    return visible


# What a complainant may fill in later from the tracking page, in words.
DETAIL_LABELS = {
    "complainant_name": gettext_lazy("their name"),
    "complainant_email": gettext_lazy("their e-mail address"),
    "complainant_phone": gettext_lazy("their phone number"),
    "victim_name": gettext_lazy("the victim's name"),
    "explanation": gettext_lazy("the explanation"),
    "disclosed_info": gettext_lazy("the information disclosed"),
    "good_faith_declaration": gettext_lazy("the good-faith declaration"),
    "items": gettext_lazy("the locations"),
    "evidence_excerpt": gettext_lazy("a quoted excerpt"),
}


@dataclass(frozen=True)
class ConversationEntry:
    kind: str  # "message" (from the complainant), "reply" (from the desk), "evidence", "details"
    at: datetime
    from_complainant: bool
    unread: bool
    body: str = ""
    staff_name: str = ""
    evidence: Evidence | None = None
    fields: tuple[str, ...] = ()


def conversation(complaint: Complaint, *, read_until: datetime | None) -> list[ConversationEntry]:
    """The case's conversation with the complainant, oldest first: their messages and the
    desk's replies, evidence files they added after the notice, and details they filled in
    later. What the complainant sent after ``read_until`` is unread."""

    def unread(at: datetime) -> bool:
        return read_until is None or at > read_until

    entries = [
        ConversationEntry("message" if m.author == Message.Author.COMPLAINANT else "reply", m.created_at,
                          m.author == Message.Author.COMPLAINANT,
                          m.author == Message.Author.COMPLAINANT and unread(m.created_at),
                          body=m.body, staff_name=m.staff_user.get_username() if m.staff_user else "")
        for m in Message.objects.filter(complaint=complaint).select_related("staff_user")
    ]
    entries += [
        ConversationEntry("evidence", e.received_at, True, unread(e.received_at), evidence=e)
        for e in Evidence.objects.filter(complaint=complaint, received_at__gt=complaint.received_at)
    ]
    later = AuditEvent.objects.filter(target_type="complaint", target_id=str(complaint.pk),
                                      code__in=("complaint.details_added", "complaint.evidence_added"))
    for event in later.order_by("id"):
        fields = tuple(event.details.get("fields") or (["evidence_excerpt"] if event.details.get("excerpt_added") else []))
        if fields:
            labels = tuple(str(DETAIL_LABELS.get(f, f)) for f in fields)
            entries.append(ConversationEntry("details", event.created_at, True, False, fields=labels))
    return sorted(entries, key=lambda e: e.at)


def case_decisions(complaint: Complaint) -> list[Decision]:
    return list(
        Decision.objects.filter(complaint=complaint)
        .select_related("decided_by")
        .prefetch_related("item_actions", "counter_notices", "appeals")
        .order_by("decided_at", "pk")
    )


# --- The complainant's tracking panel -------------------------------------------------------------


def tracking_outcome(complaint: Complaint, token: str) -> TrackingSection | None:
    """The outcome section of the tracking page and API: decisions with their statement of
    reasons, the platform's progress on each item, counter-notices and appeals. No staff names."""
    decisions = list(
        Decision.objects.filter(complaint=complaint)
        .select_related("complaint__policy")
        .prefetch_related("item_actions__item", "counter_notices", "appeals")
        .order_by("decided_at", "pk")
    )
    if not decisions:
        return None
    now = timezone.now()
    entries = [_outcome_entry(d, now) for d in decisions]
    return TrackingSection(key="outcome", template="moderation/_tracking_outcome.html",
                           data={"decisions": entries, "latest_decision_id": entries[-1]["id"]})


def _outcome_entry(d: Decision, now: datetime) -> dict[str, Any]:
    counters = list(d.counter_notices.all())
    appeals = [a for a in d.appeals.all() if a.side == Appeal.Side.COMPLAINANT]
    actions = [a for a in d.item_actions.all() if a.kind == "apply"]
    appeal = appeal_status(d, Appeal.Side.COMPLAINANT, now=now)
    return {
        "id": d.pk,
        "measure": d.measure,
        "measure_label": str(d.get_measure_display()),
        "state": d.state,
        "state_label": str(d.get_state_display()),
        "decided_at": d.decided_at,
        "explanation": d.explanation,
        "redress": redress_text(d.redress),
        "end_date": d.end_date,
        "actions_done": sum(1 for a in actions if a.state == "done"),
        "actions_total": len(actions),
        "item_actions": [
            {"item_id": a.item_id, "url": a.item.url, "state": a.state, "state_label": str(a.get_state_display())}
            for a in actions
        ],
        "counter_notices": [
            {"id": c.pk, "state": c.state, "state_label": str(c.get_state_display()), "statement": c.statement,
             "wait_ends_at": c.wait_ends_at}
            for c in counters
        ],
        "appeals": [
            {"id": a.pk, "state": a.state, "state_label": str(a.get_state_display()), "reasons": a.reasons}
            for a in appeals
        ],
        "can_appeal": appeal == APPEAL_POSSIBLE,
        "appeal_until": appeal_until(d),
        # Why the appeal is no longer offered (APPEAL_* of moderation.redress), in words.
        "appeal_status": appeal,
        "appeal_note": appeal_note(appeal),
    }


# --- Misuse ------------------------------------------------------------------------------------------


def misuse_candidates() -> list[dict[str, Any]]:
    """Submitters with manifestly unfounded notices, most first, with their figures and standing."""
    from moderation import services
    from moderation.models import SubmitterStanding

    keys = (Decision.objects.filter(manifestly_unfounded=True).exclude(submitter_key="")
            .values("submitter_key").annotate(n=Count("pk")).order_by("-n")[:100])
    standings = {s.submitter_key: s for s in SubmitterStanding.objects.filter(
        submitter_key__in=[k["submitter_key"] for k in keys])}
    out = []
    for row in keys:
        figures = services.misuse_figures(row["submitter_key"])
        standing = standings.get(row["submitter_key"])
        out.append({"submitter_key": row["submitter_key"], "figures": figures,
                    "recommended": services.misuse_recommended(figures),
                    "state": standing.state if standing else "good",
                    "suspended_until": standing.suspended_until if standing else None})
    return out

