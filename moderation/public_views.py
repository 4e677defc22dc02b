"""Pages for people outside the staff: the poster's notice with its counter-notice and
appeal forms, and the complainant's appeal and proof forms (posted from the tracking page).

The private token in the URL is the only credential; pages are never cached.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from complaints import privacy
from complaints.services import complaint_by_token
from moderation import forms, redress, services
from moderation.models import Appeal, CounterNotice
from takedown import ratelimit
from takedown.exceptions import DomainError, RateLimited
from takedown.forms import add_service_error
from takedown.zones import in_person_zone


def _throttle(request: HttpRequest) -> None:
    ratelimit.check_client("public_intake", request)


@never_cache
@require_http_methods(["GET", "POST"])
@in_person_zone
def poster_notice(request: HttpRequest, token: str) -> HttpResponse:
    notice = services.poster_notice_by_token(token)
    if notice is None:
        raise Http404
    decision = notice.decision
    form = forms.CounterNoticeForm(request.POST or None) if request.POST.get("action") != "appeal" else forms.CounterNoticeForm()
    appeal_form = forms.AppealForm(request.POST if request.POST.get("action") == "appeal" else None)
    status, done = 200, request.GET.get("done", "")
    if request.method == "POST":
        try:
            _throttle(request)
            if request.POST.get("action") == "appeal":
                if appeal_form.is_valid():
                    services.appeal_file(token=token, grounds=appeal_form.cleaned_data["grounds"])
                    return redirect(f"{request.path}?done=appeal")
                status = 400
            elif form.is_valid():
                services.counter_notice_submit(data=services.CounterNoticeInput(token=token, **form.cleaned_data))
                return redirect(f"{request.path}?done=counter_notice")
            else:
                status = 400
        except RateLimited as exc:
            status = 429
            form.add_error(None, exc.message)
        except DomainError as exc:
            status = exc.status
            target = appeal_form if request.POST.get("action") == "appeal" else form
            add_service_error(target, exc)
    counters = list(decision.counter_notices.order_by("received_at"))
    appeals = list(decision.appeals.filter(side=Appeal.Side.POSTER).order_by("filed_at"))
    window_ends = decision.decided_at + timedelta(days=decision.complaint.policy.appeal_window_days)
    # What the person who complained wrote, as it was forwarded: without their personal data.
    complaint_text, redactions = privacy.redact(decision.complaint.explanation, decision.complaint)
    return render(request, "moderation/poster_notice.html", {
        "complaint_text": complaint_text, "redactions": redactions,
        "appeals": appeals, "appeal_until": window_ends,
        "can_appeal": redress.appeal_status(decision, Appeal.Side.POSTER, now=timezone.now()) == redress.APPEAL_POSSIBLE,
        "notice": notice, "decision": decision, "complaint": decision.complaint, "form": form,
        "appeal_form": appeal_form, "counters": counters, "done": done,
        "open_counter": next((c for c in counters if c.state in ("forwarding", "waiting")), None),
        "items": decision.complaint.items.filter(pk__in=decision.item_ids),
    }, status=status)


@never_cache
@require_POST
@in_person_zone
def complainant_appeal(request: HttpRequest, token: str) -> HttpResponse:
    complaint = complaint_by_token(token)
    if complaint is None:
        raise Http404
    form = forms.AppealForm(request.POST)
    try:
        _throttle(request)
        if not form.is_valid():
            raise DomainError(_("Say why the decision should change."))
        decision_id = int(request.POST.get("decision_id") or 0) or None
        services.appeal_file(token=token, grounds=form.cleaned_data["grounds"], decision_id=decision_id)
    except (DomainError, ValueError) as exc:
        return render(request, "moderation/public_refused.html",
                      {"message": getattr(exc, "message", str(exc)), "back": f"/track/{token}/"},
                      status=getattr(exc, "status", 400))
    return redirect(f"/track/{token}/#outcome")


@never_cache
@require_POST
@in_person_zone
def complainant_proof(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    complaint = complaint_by_token(token)
    counter = CounterNotice.objects.filter(pk=pk, decision__complaint=complaint).select_related(
        "decision__complaint").first() if complaint else None
    if counter is None:
        raise Http404
    form = forms.ProofForm(request.POST)
    try:
        _throttle(request)
        if not form.is_valid():
            raise DomainError(_("Say what you did and give the case or receipt number."))
        services.counter_notice_proof(counter=counter, actor="complainant", **form.cleaned_data)
    except DomainError as exc:
        return render(request, "moderation/public_refused.html",
                      {"message": exc.message, "back": f"/track/{token}/"}, status=exc.status)
    return redirect(f"/track/{token}/#outcome")
