"""The public transparency report: aggregate figures only, never a person's data.

Computed in a constant number of queries whatever the volume: grouped counts in the
database, plus the deadline engine's performance figures (one definition of time to
act and of "within deadline" for the whole product).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintItem
from complaints.vocabulary import DISCLOSED_KIND_KEYS
from hostplatform.models import ItemRoute, Platform
from reports.statements import platform_decision_ids
from takedown.exceptions import InvalidInput, Unprocessable

DEFAULT_DAYS = 90
MAX_DAYS = 3660


@dataclass(frozen=True)
class Period:
    start: date  # inclusive
    end: date  # inclusive

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min), timezone.get_default_timezone())

    @property
    def until(self) -> datetime:
        return timezone.make_aware(
            datetime.combine(self.end + timedelta(days=1), time.min), timezone.get_default_timezone()
        )


def parse_period(raw_from: str | None, raw_to: str | None, *, today: date | None = None) -> Period:
    """The period of ``?from=YYYY-MM-DD&to=YYYY-MM-DD``; both optional, both inclusive."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def parse(name: str, raw: str | None) -> date | None:
        if raw in (None, ""):
            return None
        try:
            return date.fromisoformat(str(raw).strip())
        except ValueError:
            errors[name] = ["Use a date as YYYY-MM-DD."]
            return None

    end = parse("to", raw_to)
    start = parse("from", raw_from)
    if errors:
        raise InvalidInput(_("The period is not valid."), fields=errors)
    end = end or today
    try:
        start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    except OverflowError:
        raise Unprocessable(_("The period starts before the calendar does."), fields={"to": [_("Too early.")]}) from None
    # Well-formed dates that do not make a period: 422, as the schema cannot say so.
    if start > end:
        raise Unprocessable(_("The period ends before it starts."), fields={"from": [_("Must not be after 'to'.")]})
    if (end - start).days >= MAX_DAYS:
        raise Unprocessable(_("The period is too long."), fields={"from": [f"At most {MAX_DAYS} days."]})
    return Period(start, end)


def _model(app_label: str, name: str):
    """A model of another app, or None while that app does not provide it."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


@dataclass(frozen=True)
class Scope:
    """What one platform's report counts (SPEC section 1: a desk for a group of platforms).

    Its notices are those with an item on it; its measures, counter-notices and appeals
    those of decisions with an action on one of its items (as its DSA statements are chosen).
    The misuse procedure is the desk's, not a platform's: its figures are the group's.
    """

    platform: Platform
    cases: QuerySet
    decisions: QuerySet


def platform_scope(platform: Platform) -> Scope:
    items = ItemRoute.objects.filter(platform=platform).values("item_id")
    return Scope(platform, ComplaintItem.objects.filter(pk__in=items).values("complaint_id"),
                 platform_decision_ids(platform))


def _grouped(model, date_field: str, period: Period, *fields: str, only: dict[str, Any] | None = None
             ) -> list[dict[str, Any]]:
    if model is None:
        return []
    window = {f"{date_field}__gte": period.since, f"{date_field}__lt": period.until, **(only or {})}
    return list(model.objects.filter(**window).values(*fields).annotate(n=Count("pk")).order_by(*fields))


def _by(rows: list[dict[str, Any]], field: str) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for row in rows:
        totals[str(row[field])] += row["n"]
    return dict(sorted(totals.items()))


def figures(period: Period, scope: Scope | None = None) -> dict[str, Any]:
    """The report for a period, of the group or of one platform (``scope``). Every number
    counts events that happened in the period."""
    from complaints.selectors import performance

    cases = {} if scope is None else {"pk__in": scope.cases}
    of_cases = {} if scope is None else {"complaint_id__in": scope.cases}
    of_decisions = {} if scope is None else {"decision_id__in": scope.decisions}
    # 1. Notices received, by source, channel and priority.
    notices = _grouped(Complaint, "received_at", period, "source", "channel", "priority", only=cases)
    # 2. Notices by kind of information disclosed (a notice may name several kinds).
    kinds: Counter[str] = Counter()
    for disclosed in Complaint.objects.filter(received_at__gte=period.since, received_at__lt=period.until,
                                              **cases).values_list("disclosed_info", flat=True).iterator(chunk_size=5000):
        kinds.update(k for k in disclosed if k in DISCLOSED_KIND_KEYS)
    # 3. Decisions by measure and by how they stand.
    decisions = _grouped(_model("moderation", "Decision"), "decided_at", period, "measure", "state",
                         only={} if scope is None else {"pk__in": scope.decisions})
    # 4-6. Counter-notices, appeals, misuse steps (the desk's, whatever the scope).
    counter_notices = _grouped(_model("moderation", "CounterNotice"), "received_at", period, "state", only=of_decisions)
    appeals = _grouped(_model("moderation", "Appeal"), "filed_at", period, "state", only=of_decisions)
    misuse = _grouped(_model("moderation", "MisuseStep"), "created_at", period, "kind")
    # 7. Referrals by authority.
    referrals = _grouped(_model("reports", "Referral"), "created_at", period, "authority", only=of_cases)
    # 8-10. Time to act, share within deadline, breaches (the deadline engine's figures).
    perf = performance(since=period.since, until=period.until, cases=None if scope is None else scope.cases)

    by_measure = _by(decisions, "measure")
    by_state = _by(decisions, "state")
    appeal_states = _by(appeals, "state")
    misuse_kinds = _by(misuse, "kind")
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "platform": None if scope is None else scope.platform.slug,
        "notices": {
            "total": sum(r["n"] for r in notices),
            "by_source": _by(notices, "source"),
            "by_channel": _by(notices, "channel"),
            "by_priority": _by(notices, "priority"),
            "by_kind": dict(sorted(kinds.items())),
        },
        "measures": {
            "total": sum(by_measure.values()),
            "by_measure": by_measure,
            "lifted_after_counter_notice": by_state.get("lifted", 0),
            "reversed_on_appeal": by_state.get("reversed", 0),
        },
        "time_to_act": {
            "handled": perf.handled,
            "median_hours": _round(perf.median_hours),
            "p90_hours": _round(perf.p90_hours),
            "within_deadline": perf.within_deadline,
            "judged_against_deadline": perf.judged,
            "share_within_deadline": _round(perf.share_within, 4),
        },
        "breaches": perf.breaches,
        "counter_notices": {"total": sum(r["n"] for r in counter_notices), "by_outcome": _by(counter_notices, "state")},
        "appeals": {
            "total": sum(appeal_states.values()),
            "by_outcome": appeal_states,
            "reversals": appeal_states.get("reversed", 0),
        },
        "misuse": {"warnings": misuse_kinds.get("warned", 0), "suspensions": misuse_kinds.get("suspended", 0)},
        "referrals": {"total": sum(r["n"] for r in referrals), "by_authority": _by(referrals, "authority")},
    }


CACHE_SECONDS = 60


def cached_figures(period: Period, platform: Platform | None = None) -> dict[str, Any]:
    """``figures`` shared for a minute between requests: the page is public, and a report
    over a large period reads every notice of it. A cache outage only costs the reuse."""
    slug = platform.slug if platform is not None else ""
    key = f"reports:transparency:{period.start.isoformat()}:{period.end.isoformat()}:{slug}"
    try:
        report = cache.get(key)
    except Exception:
        report = None
    if report is None:
        report = figures(period, None if platform is None else platform_scope(platform))
        try:
            cache.set(key, report, CACHE_SECONDS)
        except Exception:
            pass
    return report


def platform_named(slug: str | None) -> Platform | None:
    """The platform of ``?platform=<slug>``: None for the group (no slug); 422 for a
    well-formed slug naming no platform, as for any value the records do not hold."""
    if not slug:
        return None
    platform = Platform.objects.filter(slug=slug).first()
    if platform is None:
        raise Unprocessable(_("No platform with this slug."), fields={"platform": [_("No platform with this slug.")]})
    return platform


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def flat_rows(report: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(section, key, value) rows: the CSV's lines, in the report's order."""
    rows: list[tuple[str, str, Any]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else key, inner)
        else:
            section, _, key = prefix.rpartition(".")
            rows.append((section or prefix, key if section else "", "" if value is None else value))

    walk("", report)
    return rows


def as_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "value"])
    writer.writerows(flat_rows(report))
    return out.getvalue()
