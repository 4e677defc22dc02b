"""Staff pages of the deadline engine: the deadline board and staff notifications."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from deadlines import selectors, services
from deadlines.charts import Bar, bar_chart
from takedown import roles
from takedown.access import staff_required

BAND_LABELS = {
    "overdue": gettext_lazy("overdue"),
    "lt_4h": gettext_lazy("under 4 h"),
    "lt_24h": gettext_lazy("4–24 h"),
    "lt_3d": gettext_lazy("1–3 days"),
    "later": gettext_lazy("over 3 days"),
}
BAND_TONES = {"overdue": "alert", "lt_4h": "warn"}


def _days(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("days", 90)), 1), 3660)
    except ValueError:
        return 90


@staff_required(roles.MODERATOR, roles.SENIOR_MODERATOR, roles.ADMIN)
@require_http_methods(["GET", "HEAD"])
def deadline_board(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    days = _days(request)
    counts = selectors.time_left_counts(now=now)
    perf = selectors.performance(until=now, days=days)
    band_bars = [
        Bar(str(BAND_LABELS[key]), counts[key], BAND_TONES.get(key, ""))
        for key in ("overdue", "lt_4h", "lt_24h", "lt_3d", "later")
    ]
    act_bars = [Bar(label, count) for label, count in selectors.hours_histogram(perf.hours_to_act)]
    context = {
        "now": now,
        "days": days,
        "counts": counts,
        "open_notices": selectors.open_by_time_left(now=now, limit=50),
        "band_labels": BAND_LABELS,
        "breaches": selectors.recent_breaches(limit=20),
        "perf": perf,
        "share_within_pct": None if perf.share_within is None else round(perf.share_within * 100, 1),
        "time_left_chart": bar_chart(band_bars, title=_("Open notices by time left")),
        "time_to_act_chart": bar_chart(act_bars, title=_("Time to act (first decision)")),
    }
    return render(request, "deadlines/board.html", context)


@staff_required()
@require_http_methods(["GET", "HEAD"])
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    context = {
        "notifications": selectors.notifications_for(request.user, unread_only=unread_only),
        "unread_count": selectors.unread_notification_count(request.user),
        "unread_only": unread_only,
    }
    return render(request, "deadlines/notifications.html", context)


@staff_required()
@require_POST
def notification_mark_read(request: HttpRequest) -> HttpResponse:
    ids = None
    if request.POST.get("id"):
        try:
            ids = [int(request.POST["id"])]
        except ValueError:
            ids = []
    services.notifications_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next", "")
    # Only ever back into the staff area: never an open redirect.
    if not target.startswith("/staff/") or target.startswith("//"):
        target = "/staff/notifications/"
    return redirect(target)
