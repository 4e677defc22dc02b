"""Public pages: the complaint form, the receipt and the tracking page."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints import selectors, services
from complaints.forms import DEFAULT_ROWS, AddEvidenceForm, MessageForm, ReportForm
from complaints.services import UploadedEvidence
from complaints.validators import MAX_ITEMS
from complaints.vocabulary import Channel
from takedown import ratelimit
from takedown.exceptions import DomainError, RateLimited
from takedown.forms import add_service_error
from takedown.zones import in_person_zone, person_zone

RECEIPT_SESSION_KEY = "receipt"


def _language(request: HttpRequest) -> str:
    return "zh-hans" if (translation.get_language() or "").startswith("zh") else "en"


def _uploads(request: HttpRequest) -> list[UploadedEvidence]:
    return [UploadedEvidence(name=f.name or "evidence", data=f.read()) for f in request.FILES.getlist("evidence")]


def _rate_limited(request: HttpRequest, template: str, context: dict, exc: RateLimited) -> HttpResponse:
    context["rate_limited"] = exc.retry_after
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _requested_rows(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.POST.get("rows", DEFAULT_ROWS)), MAX_ITEMS))
    except ValueError:
        return DEFAULT_ROWS


def _switch_language(request: HttpRequest, rows: int) -> HttpResponse:
    """The form's own language buttons: the same form again, in the other language, with
    everything typed kept (a plain submit, so it works without JavaScript)."""
    language = request.POST["switch_language"]
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    translation.activate(language)
    request.LANGUAGE_CODE = language
    form = ReportForm(request.POST, row_count=rows)
    form.is_valid()  # binds the values so they are shown again
    form._errors = {}  # not a submission: no errors yet
    with timezone.override(person_zone(request)):
        response = render(request, "complaints/report.html", {"form": form, "files_dropped": bool(request.FILES)})
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        samesite="Lax")
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@in_person_zone
def report(request: HttpRequest) -> HttpResponse:
    """The complaint form. Adding link rows is a plain submit, so it works without JavaScript."""
    if request.method == "GET":
        return render(request, "complaints/report.html", {"form": ReportForm(row_count=DEFAULT_ROWS)})
    rows = _requested_rows(request)
    if "switch_language" in request.POST:
        return _switch_language(request, rows)
    if "add_row" in request.POST:
        form = ReportForm(request.POST, row_count=min(rows + 1, MAX_ITEMS))
        form.is_valid()  # binds the values so they are shown again
        form._errors = {}  # adding a row is not a submission: show no errors yet
        return render(request, "complaints/report.html", {"form": form, "focus_row": form.row_count - 1,
                                                          "files_dropped": bool(request.FILES)})
    form = ReportForm(request.POST, request.FILES, row_count=rows)
    context = {"form": form, "files_dropped": bool(request.FILES)}
    if not form.is_valid():
        return render(request, "complaints/report.html", context, status=400)
    try:
        ratelimit.check_client("public_intake", request)
        submission = services.complaint_submit(
            data=form.to_input(_language(request)), files=_uploads(request), channel=Channel.WEB
        )
    except RateLimited as exc:
        return _rate_limited(request, "complaints/report.html", context, exc)
    except DomainError as exc:
        add_service_error(form, exc, default_field="evidence")
        return render(request, "complaints/report.html", context, status=exc.status)
    request.session[RECEIPT_SESSION_KEY] = {
        "reference": submission.complaint.reference,
        "token": submission.token,
    }
    return redirect("complaints:receipt")


@never_cache
@in_person_zone
def receipt(request: HttpRequest) -> HttpResponse:
    data = request.session.get(RECEIPT_SESSION_KEY)
    if not data:
        return redirect("complaints:report")
    complaint = services.complaint_by_token(data["token"])
    if complaint is None:
        raise Http404
    sections = [s for s in selectors.tracking_sections(complaint, data["token"]) if s.on_receipt]
    with timezone.override(person_zone(request, complaint.timezone)):
        return render(
            request,
            "complaints/receipt.html",
            {
                "complaint": complaint,
                "tracking_url": services.tracking_url(data["token"]),
                "tracking_path": f"/track/{data['token']}/",
                "sections": sections,
            },
        )


@never_cache
@require_http_methods(["GET", "POST"])
@in_person_zone
def track(request: HttpRequest, token: str) -> HttpResponse:
    """The complainant's page: status, timeline, what is missing, evidence, messages."""
    try:
        ratelimit.check_client("public_track", request)
    except RateLimited as exc:
        response = render(request, "complaints/track_limited.html", {"retry_after": exc.retry_after}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    complaint = services.complaint_by_token(token)
    if complaint is None:
        return render(request, "complaints/track_unknown.html", status=404)
    evidence_form = AddEvidenceForm()
    message_form = MessageForm()
    complete_form = ReportForm(row_count=1, prefix="complete")
    status_code = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "evidence":
                evidence_form = AddEvidenceForm(request.POST, request.FILES)
                if evidence_form.is_valid():
                    services.complaint_add_evidence(
                        complaint=complaint, files=_uploads(request), excerpt=evidence_form.cleaned_data["excerpt"]
                    )
                    return redirect(request.path + "?added=evidence#evidence")
            elif action == "message":
                message_form = MessageForm(request.POST)
                if message_form.is_valid():
                    services.complaint_add_message(complaint=complaint, body=message_form.cleaned_data["body"])
                    return redirect(request.path + "?added=message#messages")
            elif action == "complete":
                complete_form = ReportForm(request.POST, row_count=1, prefix="complete")
                if complete_form.is_valid():
                    services.complaint_complete(
                        complaint=complaint, data=complete_form.to_input(complaint.language)
                    )
                    return redirect(request.path + "?added=details#status")
        except DomainError as exc:
            target = {"evidence": evidence_form, "message": message_form}.get(action, complete_form)
            add_service_error(target, exc)
        status_code = 400
        complaint.refresh_from_db()
    sections = selectors.tracking_sections(complaint, token)
    # The page shows what the tracking API returns: one selector for both.
    status = selectors.tracking_status(complaint, sections)
    with timezone.override(person_zone(request, complaint.timezone)):
        return render(
            request,
            "complaints/track.html",
            {
                "complaint": complaint,
                "token": token,
                "status": status,
                "missing": list(zip(status["missing"], status["missing_labels"], strict=True)),
                "sections": sections,
                "evidence_form": evidence_form,
                "message_form": message_form,
                "complete_form": complete_form,
                "added": request.GET.get("added"),
            },
            status=status_code,
        )
