"""The built-in demo host platform: its receiving end and a page showing what it was asked."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from audit import actors
from hostplatform import services
from hostplatform.models import DemoPlatformAction, Platform, WebhookDelivery
from moderation.models import ItemAction
from moderation.services import REVIEWERS
from takedown.access import staff_required
from takedown.exceptions import DomainError, ErrorCode, NotFound, json_error_response


@csrf_exempt  # machine-to-machine: authenticated by the Standard Webhooks signature, not a cookie
@require_POST
def demo_webhook(request: HttpRequest, slug: str = "") -> JsonResponse:
    """A demo platform's receiving end (the default platform's, or the one named by ``slug``,
    checked with that platform's secrets); it exists only with settings.DEMO_PLATFORM on."""
    try:
        platform = None
        if slug:
            platform = Platform.objects.filter(slug=slug).first()
            if platform is None or not settings.DEMO_PLATFORM:
                raise NotFound(_("There is no demo platform here."))
        action = services.demo_platform_receive(body=request.body, headers=request.headers, platform=platform)
    except DomainError as exc:
        status = 401 if exc.code == ErrorCode.BAD_SIGNATURE else exc.status
        return json_error_response(status, exc.code, exc.message)
    return JsonResponse({"ok": True, "action": action.pk, "repeat": action.times_received > 1})


@staff_required(*REVIEWERS)
def demo_log(request: HttpRequest) -> HttpResponse:
    """The far end of the loop, for demonstrations: what the demo platform carried out."""
    if not settings.DEMO_PLATFORM:
        raise Http404("There is no demo platform here.")
    return render(request, "hostplatform/demo_log.html", {
        "actions": DemoPlatformAction.objects.select_related("platform")[:200],
        "pending": WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING).count(),
    })


@never_cache
@staff_required(*REVIEWERS)
def deliveries(request: HttpRequest) -> HttpResponse:
    """Instructions to the host platform that need a person: failed or escalated."""
    if request.method == "POST":
        delivery = WebhookDelivery.objects.filter(pk=request.POST.get("delivery")).first()
        if delivery is not None:
            try:
                services.delivery_retry_now(delivery=delivery, actor=actors.for_user(request.user))
            except DomainError as exc:
                messages.error(request, exc.message)
        return redirect("hostplatform:deliveries")
    rows = WebhookDelivery.objects.filter(state__in=["failed", "escalated"]).order_by("-updated_at")[:200]
    stuck = ItemAction.objects.filter(state__in=["failed", "escalated"]).count()
    return render(request, "hostplatform/deliveries.html", {"rows": rows, "stuck": stuck})
