"""Staff pages: legal requests, the investigator's case view, holds, exports.

Adapters only: every change goes through the services the API uses. Every page works
without JavaScript; the export list refreshes itself with a meta refresh while a
package is being built.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from audit import actors
from preservation import api, exports, legal
from preservation import holds as hold_services
from preservation.forms import HoldForm, LegalRequestForm, split_words
from preservation.models import Export, LegalHold, LegalRequest
from preservation.records import (
    case_events,
    complaint_record,
    evidence_records,
    item_records,
    message_records,
)
from takedown import roles
from takedown.access import staff_required
from takedown.exceptions import DomainError, Forbidden, NotFound
from takedown.forms import add_service_error

REGISTRARS = api.REGISTRARS
READERS = (*REGISTRARS, roles.INVESTIGATOR)


def _pages(view):
    """Domain errors of a page become the site's 404 and 403 pages, never a 500."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except Forbidden:
            raise PermissionDenied from None

    return wrapper


@never_cache
@staff_required(*READERS)
@require_http_methods(["GET", "POST"])
def legal_requests(request: HttpRequest) -> HttpResponse:
    is_registrar = roles.has_role(request.user, *REGISTRARS)
    form = LegalRequestForm(request.POST or None) if is_registrar else None
    if request.method == "POST":
        if not is_registrar:
            return HttpResponse(status=403)
        if form.is_valid():
            data = form.cleaned_data
            names = split_words(data["investigators"])
            users = list(get_user_model().objects.filter(username__in=names))
            try:
                missing = sorted(set(names) - {u.get_username() for u in users})
                if missing:
                    form.add_error("investigators", _("Unknown accounts: %s") % ", ".join(missing))
                else:
                    created = legal.register_legal_request(
                        actor_user=request.user,
                        authority=data["authority"],
                        reference_number=data["reference_number"],
                        legal_basis=data["legal_basis"],
                        scope_references=split_words(data["scope_references"]),
                        scope_victim=data["scope_victim"],
                        deadline=data["deadline"],
                        requesting_officer=data["requesting_officer"],
                        expires_at=data["expires_at"],
                        investigators=users,
                    )
                    messages.success(request, _("Legal request registered."))
                    return redirect("preservation:legal-request", pk=created.pk)
            except DomainError as error:
                add_service_error(form, error)
    if is_registrar:
        rows = LegalRequest.objects.order_by("-registered_at")[:200]
    else:
        rows = legal.live_requests_for(request.user).order_by("-registered_at")
    status = 400 if request.method == "POST" else 200
    return render(request, "preservation/legal_requests.html", {"requests": rows, "form": form}, status=status)


def holds_on_request(found: LegalRequest) -> list[LegalHold]:
    """Every hold on the request's cases, however it was placed (for this request, for
    another, on a counter-notice's proof, by hand), with the request's cases it covers."""
    in_scope = set(found.complaints.values_list("pk", flat=True))
    rows = list(
        LegalHold.objects.filter(Q(legal_request=found) | Q(complaints__in=in_scope)).distinct()
        .select_related("legal_request").prefetch_related("complaints").order_by("-placed_at", "-pk")
    )
    for hold in rows:
        hold.cases_in_scope = [c for c in hold.complaints.all() if c.pk in in_scope]
        hold.placed_for_this = hold.legal_request_id == found.pk
    return rows


@never_cache
@staff_required(*READERS)
@_pages
def legal_request(request: HttpRequest, pk: int) -> HttpResponse:
    found = api.visible_request(request.user, pk)
    context = {
        "lr": found,
        "cases": found.complaints.order_by("pk"),
        "holds": holds_on_request(found),
        "exports": found.exports.filter(requested_by=request.user).order_by("-created_at")[:20],
        "is_investigator": found.investigators.filter(pk=request.user.pk).exists(),
        "can_hold": roles.has_role(request.user, *api.HOLDERS),
        "hold_form": HoldForm(initial={"legal_request": found.pk, "cases": " ".join(c.reference for c in found.complaints.all())}),
    }
    return render(request, "preservation/legal_request.html", context)


@never_cache
@staff_required(*READERS)
@_pages
def case_record(request: HttpRequest, pk: int, reference: str) -> HttpResponse:
    found, complaint = api.case_for_investigator(request.user, pk, reference)
    api.record_case_view(request.user, found, complaint, "web")
    context = {
        "lr": found,
        "record": complaint_record(complaint),
        "items": item_records(complaint),
        "evidence": evidence_records(complaint),
        "messages_": message_records(complaint),
        "events": case_events([complaint.pk]).select_related("log_entry"),
        "held": hold_services.is_held(complaint),
    }
    return render(request, "preservation/case_record.html", context)


@never_cache
@staff_required(*api.HOLDERS)
@require_http_methods(["GET", "POST"])
def holds(request: HttpRequest) -> HttpResponse:
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hold = api.hold_create(
                request.user,
                references=split_words(form.cleaned_data["cases"]),
                reason=form.cleaned_data["reason"],
                legal_request_id=form.cleaned_data["legal_request"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Hold placed on %(n)d case(s).") % {"n": hold.complaints.count()})
            return redirect("preservation:holds")
    rows = LegalHold.objects.order_by("-placed_at").prefetch_related("complaints")[:200]
    if not roles.has_role(request.user, *REGISTRARS):
        rows = [h for h in rows if h.placed_by == actors.for_user(request.user)]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "preservation/holds.html",
        {"holds": rows, "form": form, "can_release": roles.has_role(request.user, *REGISTRARS)},
        status=status,
    )


@staff_required(*REGISTRARS)
@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    hold = LegalHold.objects.filter(pk=pk).first()
    if hold is None:
        return HttpResponse(status=404)
    try:
        hold_services.release_hold(hold, actor=actors.for_user(request.user))
        messages.success(request, _("Hold released."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("preservation:holds")


@never_cache
@staff_required(roles.INVESTIGATOR, roles.ADMIN)
@require_http_methods(["GET", "POST"])
def export_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        found = LegalRequest.objects.filter(pk=request.POST.get("legal_request") or 0).first()
        try:
            if found is None:
                raise DomainError(_("Choose a legal request."))
            exports.export_request(user=request.user, legal_request=found, references=split_words(request.POST.get("cases", "")))
            messages.success(request, _("Export started. This page refreshes until it is ready."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("preservation:exports")
    rows = Export.objects.select_related("legal_request").order_by("-created_at")
    if not roles.has_role(request.user, roles.ADMIN):
        rows = rows.filter(requested_by=request.user)
    rows = list(rows[:100])
    links = {e.pk: exports.download_token(e) for e in rows if e.state == Export.State.DONE and e.requested_by_id == request.user.pk}
    context = {
        "exports": [(e, links.get(e.pk)) for e in rows],
        "running": any(e.state in (Export.State.QUEUED, Export.State.RUNNING) for e in rows),
        "requests": legal.live_requests_for(request.user).order_by("-registered_at"),
        "link_hours": int(exports.link_lifetime().total_seconds() // 3600),
    }
    return render(request, "preservation/exports.html", context)


@never_cache
@staff_required(roles.INVESTIGATOR)
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        export = exports.export_for(request.user, pk)
        path = exports.check_download(export, request.GET.get("token", ""), request.user)
    except DomainError as error:
        return render(request, "preservation/download_refused.html", {"message": error.message}, status=error.status)
    with transaction.atomic():
        exports.record_download(export, request.user)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name, content_type="application/zip")
