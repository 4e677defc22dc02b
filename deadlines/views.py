"""Staff pages of the deadline engine: staff notifications."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from deadlines import selectors, services
from takedown.access import staff_required


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
