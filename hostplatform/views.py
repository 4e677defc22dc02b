"""The built-in demo host platform: its receiving end and a page showing what it was asked."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hostplatform import services
from hostplatform.models import DemoPlatformAction, WebhookDelivery
from takedown import roles
from takedown.access import staff_required
from takedown.exceptions import DomainError, json_error_response


@csrf_exempt  # machine-to-machine: authenticated by the Standard Webhooks signature, not a cookie
@require_POST
def demo_webhook(request: HttpRequest) -> JsonResponse:
    """The demo platform's receiving end; it exists only with settings.DEMO_PLATFORM on."""
    try:
        action = services.demo_platform_receive(body=request.body, headers=request.headers)
    except DomainError as exc:
        status = 401 if exc.code == "bad_signature" else exc.status
        return json_error_response(status, exc.code, exc.message)
    return JsonResponse({"ok": True, "action": action.pk, "repeat": action.times_received > 1})


@staff_required(roles.MODERATOR, roles.SENIOR_MODERATOR, roles.ADMIN)
def demo_log(request: HttpRequest) -> HttpResponse:
    """The far end of the loop, for demonstrations: what the demo platform carried out."""
    if not settings.DEMO_PLATFORM:
        raise Http404("There is no demo platform here.")
    return render(request, "hostplatform/demo_log.html", {
        "actions": DemoPlatformAction.objects.all()[:200],
        "pending": WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING).count(),
    })
