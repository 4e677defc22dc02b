"""Web adapters of the reports app: the transparency page, the victim's evidence pack,
and the staff referral pages. Parse, call the service or selector, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit import actors
from complaints.services import complaint_by_token
from deadlines.charts import Bar, bar_chart
from hostplatform.models import Platform
from reports import referrals, transparency
from reports.evidence_pack import evidence_pack_download, printable_page
from reports.models import Referral
from takedown import ratelimit, roles
from takedown.access import staff_required
from takedown.exceptions import DomainError, RateLimited
from takedown.zones import in_person_zone

CASE_ROLES = (roles.MODERATOR, roles.SENIOR_MODERATOR, roles.ADMIN)


# --- Transparency ----------------------------------------------------------------------


def _labelled(counts: dict[str, int], labels: dict[str, str]) -> list[Bar]:
    return [Bar(str(labels.get(key, key.replace("_", " "))), value) for key, value in counts.items()]


@require_http_methods(["GET", "HEAD"])
@in_person_zone
def transparency_page(request: HttpRequest) -> HttpResponse:
    from complaints.vocabulary import DISCLOSED_KINDS, Source

    error = None
    platform = None
    try:
        period = transparency.parse_period(request.GET.get("from"), request.GET.get("to"))
        platform = transparency.platform_named(request.GET.get("platform"))
    except DomainError as exc:
        error = exc
        period = transparency.parse_period(None, None)
    report = transparency.cached_figures(period, platform)
    kinds = {k: str(label) for k, label, _hint in DISCLOSED_KINDS}
    sources = {k: str(label) for k, label in Source.choices}
    measures = _measure_labels()
    charts = {
        "sources": bar_chart(_labelled(report["notices"]["by_source"], sources), title=_("Notices by source")),
        "kinds": bar_chart(_labelled(report["notices"]["by_kind"], kinds), title=_("Notices by kind of information")),
        "measures": bar_chart(_labelled(report["measures"]["by_measure"], measures), title=_("Measures taken")),
        "outcomes": bar_chart(
            [
                # Each figure once on the page: reversals, referrals and warnings are in
                # the list below, breaches under "Time to act".
                Bar(_("Counter-notices"), report["counter_notices"]["total"]),
                Bar(_("Appeals"), report["appeals"]["total"]),
                Bar(_("Misuse suspensions"), report["misuse"]["suspensions"]),
            ],
            title=_("Redress and enforcement"),
        ),
    }
    share = report["time_to_act"]["share_within_deadline"]
    query = urlencode({"from": period.start.isoformat(), "to": period.end.isoformat(),
                       **({"platform": platform.slug} if platform is not None else {})})
    group = list(Platform.objects.order_by("name").only("slug", "name"))
    context = {
        "report": report,
        "period": period,
        "charts": charts,
        "share_percent": None if share is None else round(share * 100, 1),
        "error": error,
        "csv_url": f"/api/v1/transparency.csv?{query}",
        "json_url": f"/api/v1/transparency/?{query}",
        "platform": platform,
        "group": group if len(group) > 1 else [],
    }
    return render(request, "reports/transparency.html", context, status=400 if error else 200)


def _measure_labels() -> dict[str, str]:
    try:
        from moderation.models import Measure
    except ImportError:
        return {}
    return {k: str(label) for k, label in Measure.choices}


# --- Evidence pack ---------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@in_person_zone
def evidence_pack(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ratelimit.check_client("public_track", request)
    except RateLimited as exc:
        response = render(request, "complaints/track_limited.html", {"retry_after": exc.retry_after}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    complaint = complaint_by_token(token)
    if complaint is None:
        return render(request, "complaints/track_unknown.html", status=404)
    pack = evidence_pack_download(complaint=complaint)
    if pack.pdf is None:
        # No embeddable font on this installation: a printable page instead of a PDF.
        return render(request, "reports/evidence_pack_print.html", printable_page(pack, complaint.language))
    response = HttpResponse(pack.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["X-Content-SHA256"] = pack.digest
    return response


# --- Staff referral pages ----------------------------------------------------------------


@staff_required(*CASE_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def referral_list(request: HttpRequest) -> HttpResponse:
    """The referrals, filtered by status; a POST proposes one for a case (the form on
    the case page), and sends it at once when asked."""
    error = None
    if request.method == "POST":
        from complaints.selectors import complaint_by_reference

        complaint = complaint_by_reference(request.POST.get("reference", "").strip())
        actor = actors.for_user(request.user)
        try:
            if complaint is None:
                raise DomainError(_("No case with this reference."))
            referral = referrals.propose_referral(
                subject=complaint,
                authority=request.POST.get("authority", ""),
                reason=request.POST.get("reason", ""),
                actor=actor,
            )
            if request.POST.get("send") and referral.status == Referral.Status.PROPOSED:
                referrals.referral_send(referral=referral, actor=actor, note=request.POST.get("note", ""))
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(f"/staff/referrals/{referral.pk}/")
    status = request.GET.get("status", "open")
    rows = Referral.objects.select_related("complaint").order_by("-created_at", "-pk")
    if status == "open":
        rows = rows.filter(status__in=Referral.OPEN_STATUSES)
    elif status in Referral.Status.values:
        rows = rows.filter(status=status)
    context = {
        "referrals": rows[:200],
        "status": status,
        "statuses": Referral.Status.choices,
        "error": error,
    }
    return render(request, "reports/referral_list.html", context, status=400 if error else 200)


@staff_required(*CASE_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = Referral.objects.select_related("complaint").prefetch_related("steps").filter(pk=referral_id).first()
    if referral is None:
        return render(request, "errors/404.html", status=404)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        actor = actors.for_user(request.user)
        note = request.POST.get("note", "")
        try:
            if action == Referral.Status.ACKNOWLEDGED:
                referrals.referral_acknowledge(
                    referral=referral, actor=actor, note=note,
                    authority_reference=request.POST.get("authority_reference", ""),
                )
            elif action in referrals.STATUS_ACTIONS:
                referrals.STATUS_ACTIONS[action](referral=referral, actor=actor, note=note)
            else:
                raise DomainError(_("Choose an action."))
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(f"/staff/referrals/{referral.pk}/")
    allowed = [to for to, (sources, _code) in referrals.TRANSITIONS.items() if referral.status in sources]
    context = {
        "referral": referral,
        "actions": [(to, Referral.Status(to).label) for to in allowed],
        "error": error,
        "package_summary": referral.package.get("summary") if referral.package else None,
    }
    return render(request, "reports/referral_detail.html", context, status=400 if error else 200)
