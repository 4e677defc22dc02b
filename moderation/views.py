"""Staff pages: login with a second factor, the queue, case pages, incidents, appeals, misuse.

Adapters only: every change goes through ``moderation.services``; every page works
without JavaScript (plain forms, details/summary for the blurred evidence).
"""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import actors
from complaints import selectors as complaint_selectors
from complaints.models import Evidence
from deadlines.charts import Bar, bar_chart
from moderation import accounts, api, forms, hooks, selectors, services
from moderation.models import Appeal, CounterNotice, Incident
from takedown import navigation, ratelimit, roles
from takedown.access import staff_required
from takedown.exceptions import DomainError, NotFound
from takedown.forms import add_service_error

PENDING_KEY = "staff_login_pending"


def _next_url(request: HttpRequest) -> str:
    """Where to go after logging in: the page asked for, or (empty) the role's own home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return ""
    return target


# --- Login ------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Step one: the password. Nothing is logged in until the second factor passes."""
    form = forms.LoginForm(request.POST or None)
    context = {"form": form, "next": _next_url(request)}
    if request.method == "POST" and form.is_valid():
        username, client = form.cleaned_data["username"], ratelimit.client_key(request)
        if accounts.is_locked(username, client):
            context["locked"] = True
            return render(request, "moderation/login.html", context, status=429)
        user = auth.authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None or not roles.has_role(user, *roles.STAFF_ROLES) or not user.is_active:
            context["locked"] = accounts.record_failure(username, client, ip=ratelimit.client_ip(request))
            context["failed"] = True
            return render(request, "moderation/login.html", context, status=429 if context["locked"] else 400)
        request.session[PENDING_KEY] = {"uid": user.pk, "username": user.get_username()}
        verify = reverse("moderation:login-verify")
        return redirect(f"{verify}?{urlencode({'next': context['next']})}" if context["next"] else verify)
    return render(request, "moderation/login.html", context, status=400 if request.method == "POST" else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def login_verify(request: HttpRequest) -> HttpResponse:
    """Step two: the TOTP code; only then is the session logged in and marked verified."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("moderation:login")
    form = forms.TotpForm(request.POST or None)
    context = {"form": form, "next": _next_url(request), "username": pending["username"]}
    if request.method == "POST" and form.is_valid():
        client = ratelimit.client_key(request)
        if accounts.is_locked(pending["username"], client):
            context["locked"] = True
            return render(request, "moderation/login_verify.html", context, status=429)
        user = auth.get_user_model().objects.filter(pk=pending["uid"], is_active=True).first()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
        if device is None or not device.verify_token(form.cleaned_data["code"].strip()):
            context["locked"] = accounts.record_failure(pending["username"], client, ip=ratelimit.client_ip(request))
            context["failed"] = True
            return render(request, "moderation/login_verify.html", context, status=429 if context["locked"] else 400)
        request.session.pop(PENDING_KEY, None)
        auth.login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        otp_login(request, device)
        accounts.clear_failures(pending["username"], client)
        accounts.record_login(user, ratelimit.client_ip(request))
        return redirect(context["next"] or navigation.home_for(user))
    return render(request, "moderation/login_verify.html", context, status=400 if request.method == "POST" else 200)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect("moderation:login")


def home(request: HttpRequest) -> HttpResponse:
    """Each role's own start page (the queue, the deadline board, the legal requests)."""
    return redirect(navigation.home_for(request.user))


# --- Queue ---------------------------------------------------------------------------------------


@never_cache
@staff_required(*services.REVIEWERS)
def queue(request: HttpRequest) -> HttpResponse:
    try:
        filters, page, page_size = api.parse_queue_query(request.GET)
    except DomainError as exc:
        messages.error(request, exc.message)
        filters, page, page_size = selectors.QueueFilters(), 1, selectors.PAGE_SIZE_DEFAULT
    result = selectors.queue_page(filters, page=page, page_size=page_size, reader=request.user)
    query = request.GET.copy()
    query.pop("page", None)
    from complaints.vocabulary import DISCLOSED_KINDS

    return render(request, "moderation/queue.html", {
        "result": result, "filters": filters, "query": query.urlencode(), "kinds": DISCLOSED_KINDS,
        "senior": services.is_senior(request.user),
        "statuses": [(s, s.label) for s in request_statuses()],
    })


def request_statuses():
    from complaints.models import Complaint

    return [Complaint.Status(s) for s in Complaint.OPEN_STATUSES]


# --- A case ------------------------------------------------------------------------------------


def _case_or_404(request: HttpRequest, reference: str):
    try:
        return api.load_case(reference, request.user)
    except NotFound:
        raise Http404 from None


def _decision_form(complaint, data=None) -> forms.DecisionForm:
    items = [(i.pk, i.url) for i in complaint.items.all()]
    return forms.DecisionForm(data, item_choices=items,
                              initial={"expected_version": services.case_version(complaint)})


@never_cache
@staff_required(*services.REVIEWERS, roles.INVESTIGATOR)
def case(request: HttpRequest, reference: str, decision_form=None, status: int = 200) -> HttpResponse:
    complaint = _case_or_404(request, reference)
    services.case_viewed(complaint=complaint, user=request.user)
    claim = services.active_claim(complaint)
    decisions = selectors.case_decisions(complaint)
    reviewer = roles.has_role(request.user, *services.REVIEWERS)
    mine = bool(claim and claim.moderator_id == request.user.pk)
    return render(request, "moderation/case.html", {
        **_conversation_context(request, complaint, reviewer),
        "complaint": complaint,
        "claim": claim,
        "mine": mine,
        "can_decide": mine or services.is_senior(request.user),  # the rule decision_create applies
        "evidence_clear": services.evidence_clear_for(request.user),
        "senior": services.is_senior(request.user),
        "reviewer": reviewer,
        "decisions": decisions,
        "decision_form": decision_form or _decision_form(complaint),
        "appeal_form": forms.AppealDecisionForm(),
        "proof_form": forms.ProofForm(),
        "history": selectors.case_history(complaint),
        "related": selectors.related_cases_for(complaint, request.user),
        "evidence": list(complaint.evidence.all()),
        "version": services.case_version(complaint),
        "panels": _panels(hooks.case_panels, complaint, request),
    }, status=status)


def _conversation_context(request: HttpRequest, complaint, reviewer: bool, reply_form=None) -> dict:
    """The conversation with the complainant as this user last left it, then marked read."""
    now = timezone.now()
    entries = selectors.conversation(
        complaint, read_until=services.conversation_read_until(complaint=complaint, user=request.user))
    unread = sum(1 for e in entries if e.unread)
    services.conversation_viewed(complaint=complaint, user=request.user, shown=len(entries), unread=unread, now=now)
    return {"conversation": entries, "unread_count": unread,
            "reply_form": reply_form or (forms.ReplyForm() if reviewer else None)}


@require_POST
@staff_required(*services.REVIEWERS)
def case_reply(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _case_or_404(request, reference)
    form = forms.ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.conversation_reply(complaint=complaint, user=request.user, body=form.cleaned_data["body"])
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Reply sent: it is on the complainant's tracking page and on its way by e-mail."))
            return redirect(reverse("moderation:case", kwargs={"reference": reference}) + "#conversation")
    messages.error(request, _("The reply was not sent."))
    return redirect(reverse("moderation:case", kwargs={"reference": reference}) + "#conversation")


@require_POST
@staff_required(*services.REVIEWERS, roles.INVESTIGATOR)
def evidence_view(request: HttpRequest) -> HttpResponse:
    """Show revealed evidence clearly or blurred and grey; remembered for this user."""
    preference = services.evidence_view_set(user=request.user, clear=request.POST.get("clear") == "1")
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"clear": preference.evidence_clear})  # the page's script toggles in place
    return redirect(_next_url(request) or navigation.home_for(request.user))


@never_cache
@staff_required(*services.REVIEWERS)
def next_case(request: HttpRequest) -> HttpResponse:
    """The most urgent open case nobody else is reviewing, other than the one just left."""
    reference = selectors.next_case_reference(request.user, after=request.GET.get("after", ""))
    if reference is None:
        messages.info(request, _("No other open case is waiting."))
        return redirect("moderation:queue")
    return redirect("moderation:case", reference=reference)


def _panels(hook, subject, request: HttpRequest) -> list[str]:
    """Panels higher layers add to a staff page (``moderation.hooks``), rendered in order."""
    return [
        render_to_string(template_name, context, request=request)
        for template_name, context in filter(None, hook(subject, request))
    ]


def _after(request: HttpRequest, reference: str, done: str) -> HttpResponse:
    messages.success(request, done)
    return redirect("moderation:case", reference=reference)


def _refused(request: HttpRequest, reference: str, exc: DomainError) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect("moderation:case", reference=reference)


@require_POST
@staff_required(*services.REVIEWERS)
def case_claim(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _case_or_404(request, reference)
    try:
        services.claim_take(complaint=complaint, user=request.user)
    except DomainError as exc:
        return _refused(request, reference, exc)
    return _after(request, reference, _("You are reviewing this case."))


@require_POST
@staff_required(*services.REVIEWERS)
def case_release(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _case_or_404(request, reference)
    try:
        services.claim_release(complaint=complaint, user=request.user)
    except DomainError as exc:
        return _refused(request, reference, exc)
    messages.success(request, _("Case released to the queue."))
    return redirect("moderation:queue")


@require_POST
@staff_required(*services.REVIEWERS)
def case_decide(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _case_or_404(request, reference)
    form = _decision_form(complaint, request.POST)
    if not form.is_valid():
        return case(request, reference, decision_form=form, status=400)
    try:
        services.decision_create(complaint=complaint, user=request.user, data=form.to_input())
    except DomainError as exc:
        add_service_error(form, exc)
        messages.error(request, exc.message)
        return case(request, reference, decision_form=form, status=exc.status)
    return _after(request, reference, _("Decision recorded; the measure is being carried out."))


@require_POST
@staff_required(*services.REVIEWERS)
def appeal_decide(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    complaint = _case_or_404(request, reference)
    appeal = Appeal.objects.filter(pk=pk, decision__complaint=complaint).select_related("decision").first()
    if appeal is None:
        raise Http404
    form = forms.AppealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the outcome and the reasons."))
        return redirect("moderation:case", reference=reference)
    data = form.cleaned_data
    new = None
    if data["outcome"] == Appeal.State.REVERSED and data["new_measure"]:
        new = services.DecisionInput(measure=data["new_measure"], facts=data["reasons"],
                                     legal_ground=data["legal_ground"] or appeal.decision.legal_ground,
                                     explanation=data["reasons"])
    try:
        services.appeal_decide(appeal=appeal, user=request.user, outcome=data["outcome"], reasons=data["reasons"],
                               new_decision=new)
    except DomainError as exc:
        return _refused(request, reference, exc)
    return _after(request, reference, _("Appeal decided."))


@require_POST
@staff_required(*services.REVIEWERS)
def counter_notice_proof(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    complaint = _case_or_404(request, reference)
    counter = CounterNotice.objects.filter(pk=pk, decision__complaint=complaint).select_related(
        "decision__complaint").first()
    if counter is None:
        raise Http404
    form = forms.ProofForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the proof is."))
        return redirect("moderation:case", reference=reference)
    try:
        services.counter_notice_proof(counter=counter, actor=actors.for_user(request.user), **form.cleaned_data)
    except DomainError as exc:
        return _refused(request, reference, exc)
    return _after(request, reference, _("Proof recorded; the case is on legal hold."))


@require_POST
@staff_required(*services.REVIEWERS)
def counter_notice_forward(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Forward a counter-notice whose forwarding was lost (the task never ran)."""
    complaint = _case_or_404(request, reference)
    counter = CounterNotice.objects.filter(pk=pk, decision__complaint=complaint).first()
    if counter is None:
        raise Http404
    services.counter_notice_forward(counter.pk)
    return _after(request, reference, _("Counter-notice forwarded."))


@never_cache
@staff_required(*services.REVIEWERS, roles.INVESTIGATOR)
def evidence_file(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Evidence only for staff who may see the case; never rendered inline unless an image copy."""
    complaint = _case_or_404(request, reference)
    evidence = Evidence.objects.filter(pk=pk, complaint=complaint).first()
    if evidence is None:
        raise Http404
    original = request.GET.get("original") == "1" or not evidence.display
    services.case_viewed(complaint=complaint, user=request.user,
                         what=f"evidence:{evidence.pk}:{'original' if original else 'display'}")
    stored = evidence.original if original else evidence.display
    content_type = evidence.content_type if original else (mimetypes.guess_type(stored.name)[0] or "image/png")
    inline = not original and content_type.startswith("image/")
    response = FileResponse(stored.open("rb"), content_type=content_type, as_attachment=not inline,
                            filename=evidence.original_name if original else f"evidence-{evidence.pk}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Incidents, appeals, misuse --------------------------------------------------------------------


@never_cache
@staff_required(*services.REVIEWERS)
def incidents(request: HttpRequest) -> HttpResponse:
    form = forms.IncidentForm(request.POST or None, initial={"cases": request.GET.get("cases", "")})
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_create(
                user=request.user, title=form.cleaned_data["title"], kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"], complaints=api._cases_for(form.references(), request.user))
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            return redirect("moderation:incident", pk=incident.pk)
    rows = Incident.objects.filter(state=Incident.State.OPEN).order_by("-created_at")[:100]
    return render(request, "moderation/incidents.html", {"form": form, "incidents": rows})


@never_cache
@staff_required(*services.REVIEWERS)
def incident(request: HttpRequest, pk: int) -> HttpResponse:
    incident = Incident.objects.filter(pk=pk).first()
    if incident is None:
        raise Http404
    form = forms.DecisionForm(request.POST or None)
    results = None
    if request.method == "POST":
        if not services.is_senior(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                results = services.incident_decide(incident=incident, user=request.user, data=form.to_input())
            except DomainError as exc:
                messages.error(request, exc.message)
    cases = incident.complaints.order_by("pk")
    return render(request, "moderation/incident.html", {
        "incident": incident, "cases": cases, "form": form, "results": results,
        "senior": services.is_senior(request.user),
        "panels": _panels(hooks.incident_panels, incident, request),
    })


@never_cache
@staff_required(*services.REVIEWERS)
def appeals(request: HttpRequest) -> HttpResponse:
    rows = (Appeal.objects.filter(state=Appeal.State.OPEN).select_related("decision__complaint", "decision__decided_by")
            .order_by("filed_at")[:200])
    return render(request, "moderation/appeals.html", {"appeals": rows})


@never_cache
@staff_required(*services.SENIORS)
def misuse(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        key = request.POST.get("submitter_key", "")
        reason = request.POST.get("reason", "")
        try:
            if request.POST.get("step") == "suspend":
                days = int(request.POST.get("days") or 0)
                services.misuse_suspend(submitter_key=key, user=request.user, reason=reason, days=days)
            else:
                services.misuse_warn(submitter_key=key, user=request.user, reason=reason)
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        else:
            messages.success(request, _("Step recorded."))
        return redirect("moderation:misuse")
    return render(request, "moderation/misuse.html", {"rows": selectors.misuse_candidates()})


# --- The deadline board ---------------------------------------------------------------------------

BAND_LABELS = {
    "overdue": gettext_lazy("overdue"),
    "lt_4h": gettext_lazy("under 4 h"),
    "lt_24h": gettext_lazy("4–24 h"),
    "lt_3d": gettext_lazy("1–3 days"),
    "later": gettext_lazy("over 3 days"),
}
BAND_TONES = {"overdue": "alert", "lt_4h": "warn"}


def _board_days(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("days", 90)), 1), 3660)
    except ValueError:
        return 90


@staff_required(*services.REVIEWERS)
@require_http_methods(["GET", "HEAD"])
def deadline_board(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    days = _board_days(request)
    counts = complaint_selectors.time_left_counts(now=now)
    perf = complaint_selectors.performance(until=now, days=days)
    band_bars = [
        Bar(str(BAND_LABELS[key]), counts[key], BAND_TONES.get(key, ""))
        for key in ("overdue", "lt_4h", "lt_24h", "lt_3d", "later")
    ]
    act_bars = [Bar(label, count) for label, count in complaint_selectors.hours_histogram(perf.hours_to_act)]
    context = {
        "now": now,
        "days": days,
        "counts": counts,
        "open_notices": complaint_selectors.open_by_time_left(now=now, limit=50),
        "band_labels": BAND_LABELS,
        "breaches": complaint_selectors.recent_breaches(limit=20),
        "perf": perf,
        "share_within_pct": None if perf.share_within is None else round(perf.share_within * 100, 1),
        "time_left_chart": bar_chart(band_bars, title=_("Open notices by time left")),
        "time_to_act_chart": bar_chart(act_bars, title=_("Time to act (first decision)")),
    }
    return render(request, "moderation/deadline_board.html", context)
