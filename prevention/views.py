"""Web adapters: staff pages for alerts and interventions, and one-click protection."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import select_template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import actors
from complaints.services import complaint_by_token
from prevention import detection, interventions, selectors
from prevention.charts import alert_chart
from prevention.models import Alert, Intervention
from takedown import roles
from takedown.access import staff_required
from takedown.bodies import BoundedJSONParser
from takedown.exceptions import DomainError, NotFound
from takedown.forms import add_service_error
from takedown.ratelimit import public_throttle

READERS = (roles.MODERATOR, roles.SENIOR_MODERATOR, roles.ADMIN)
INTERVENERS = (roles.SENIOR_MODERATOR, roles.ADMIN)

def _base_template():
    # The staff layout when the staff area provides one; the public layout otherwise.
    return select_template(["staff/base.html", "base.html"])


def _chart(alert: Alert):
    series = alert.series or {}
    return alert_chart(
        series.get("counts", []),
        expected=series.get("expected", alert.expected),
        spread=series.get("spread", 0.0),
        bucket_seconds=alert.bucket_seconds,
        title=_("Signals per %(seconds)s s on %(target)s; expected %(expected).1f")
        % {"seconds": alert.bucket_seconds, "target": alert.target, "expected": alert.expected},
    )


# --- Staff: alerts -------------------------------------------------------------------------


@staff_required(*READERS)
@require_http_methods(["GET", "HEAD"])
def alert_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state") or "open"
    alerts = selectors.alerts(state=None if state == "all" else state, limit=request.GET.get("limit"))
    rows = [(alert, _chart(alert)) for alert in alerts]
    return render(
        request,
        "prevention/alerts.html",
        {"base_template": _base_template(), "rows": rows, "state": state, "states": Alert.State.choices},
    )


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Measure"),
        choices=[(k, label) for k, label in Intervention.Kind.choices if k in interventions.STAFF_KINDS],
    )
    target = forms.CharField(label=gettext_lazy("Target key on the host platform"), max_length=128)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    duration_hours = forms.IntegerField(label=gettext_lazy("Duration (hours)"), min_value=1, max_value=90 * 24, initial=24)
    shares_per_minute = forms.IntegerField(label=gettext_lazy("Cap: shares per minute"), required=False, min_value=0)
    searches_per_minute = forms.IntegerField(label=gettext_lazy("Cap: searches per minute"), required=False, min_value=0)
    mentions_per_minute = forms.IntegerField(label=gettext_lazy("Cap: mentions per minute"), required=False, min_value=0)
    message = forms.CharField(
        label=gettext_lazy("Interstitial text (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    alert = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def params(self) -> dict:
        data = self.cleaned_data
        if data["kind"] == Intervention.Kind.TRAFFIC_LIMIT:
            return {k: data[k] for k in interventions.TRAFFIC_CAPS if data.get(k) is not None}
        if data["kind"] == Intervention.Kind.INTERSTITIAL and data.get("message"):
            return {"message": data["message"]}
        return {}


@staff_required(*READERS)
@require_http_methods(["GET", "HEAD", "POST"])
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk)
    if request.method == "POST":
        if not roles.has_role(request.user, *READERS):
            raise Http404
        try:
            detection.alert_set_state(alert=alert, state=request.POST.get("state", ""), actor=actors.for_user(request.user))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("prevention-alert", pk=alert.pk)
    form = InterventionForm(initial={"target": alert.target, "alert": alert.pk, "kind": Intervention.Kind.TRAFFIC_LIMIT})
    return render(
        request,
        "prevention/alert_detail.html",
        {
            "base_template": _base_template(),
            "alert": alert,
            "chart": _chart(alert),
            "form": form,
            "can_intervene": roles.has_role(request.user, *INTERVENERS),
            "interventions": alert.interventions.order_by("-starts_at"),
            "states": Alert.State.choices,
        },
    )


@staff_required(*READERS)
@require_http_methods(["GET", "HEAD"])
def alert_chart_svg(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk)
    svg = '<?xml version="1.0" encoding="UTF-8"?>' + str(_chart(alert))
    return HttpResponse(svg, content_type="image/svg+xml")


# --- Staff: interventions ------------------------------------------------------------------


@staff_required(*READERS)
@require_http_methods(["GET", "HEAD", "POST"])
def intervention_list(request: HttpRequest) -> HttpResponse:
    can_intervene = roles.has_role(request.user, *INTERVENERS)
    form = InterventionForm(initial={"duration_hours": 24})
    if request.method == "POST":
        if not can_intervene:
            return HttpResponse(status=403)
        form = InterventionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            alert = Alert.objects.filter(pk=data["alert"]).first() if data.get("alert") else None
            try:
                created = interventions.intervention_create(
                    kind=data["kind"],
                    target=data["target"],
                    reason=data["reason"],
                    duration=timedelta(hours=data["duration_hours"]),
                    params=form.params(),
                    actor=actors.for_user(request.user),
                    user=request.user,
                    alert=alert,
                )
            except DomainError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Intervention %(id)s applied; the host platform is being told.") % {"id": created.pk})
                return redirect("prevention-interventions")
    state = request.GET.get("state") or "active"
    items = selectors.interventions(state=None if state == "all" else state)
    deliveries = selectors.delivery_states(items)
    return render(
        request,
        "prevention/interventions.html",
        {
            "base_template": _base_template(),
            "rows": [(i, deliveries.get(i.pk, {})) for i in items],
            "form": form,
            "can_intervene": can_intervene,
            "state": state,
            "states": Intervention.State.choices,
        },
    )


@staff_required(*INTERVENERS)
@require_POST
def intervention_lift(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = get_object_or_404(Intervention, pk=pk)
    try:
        interventions.intervention_lift(
            intervention=intervention, actor=actors.for_user(request.user), reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Intervention %(id)s lifted.") % {"id": intervention.pk})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("prevention-interventions")


# --- One-click protection ------------------------------------------------------------------


def _protection_answer(request, token: str, intervention: Intervention | None, status: int) -> Response | HttpResponse:
    if request.content_type == "application/json":
        if intervention is None:
            return Response(ProtectionOffOutput({"active": False}).data, status=status)
        return Response(
            ProtectionStateOutput({
                "active": intervention.is_active,
                "restrictions": intervention.params.get("restrictions", []),
                "since": intervention.starts_at,
                "until": intervention.expires_at,
                "ended_at": intervention.ended_at,
            }).data,
            status=status,
        )
    return redirect(f"/track/{token}/#protection", permanent=False)


class ProtectionRequestInput(serializers.Serializer):
    account = serializers.CharField(required=False, allow_blank=True, max_length=128,
                                    help_text="The victim's account name or profile link on the platform")


class ProtectionOffOutput(serializers.Serializer):
    """No protection was ever turned on for the case: only ``active``."""

    active = serializers.BooleanField()


class ProtectionStateOutput(ProtectionOffOutput):
    """The case's protection; when none was ever turned on, only ``active`` (false)."""

    restrictions = serializers.ListField(child=serializers.CharField(), required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)
    ended_at = serializers.DateTimeField(required=False, allow_null=True)


class ProtectionView(APIView):
    """Turn on one-click protection (the tracking token is the credential)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]
    throttle_classes = [public_throttle("public_track")]

    @extend_schema(request=ProtectionRequestInput, responses={201: ProtectionStateOutput}, summary="Turn on one-click protection")
    def post(self, request, token: str):
        complaint = complaint_by_token(token)
        if complaint is None:
            raise NotFound(_("No report has this tracking link."))
        account = request.data.get("account", "") if hasattr(request.data, "get") else ""
        intervention = interventions.protection_activate(complaint=complaint, account=account if isinstance(account, str) else "")
        return _protection_answer(request, token, intervention, 201)


class ProtectionEndView(APIView):
    """End one's own protection early."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]
    throttle_classes = [public_throttle("public_track")]

    @extend_schema(request=None, responses=ProtectionStateOutput, summary="End one-click protection early")
    def post(self, request, token: str):
        complaint = complaint_by_token(token)
        if complaint is None:
            raise NotFound(_("No report has this tracking link."))
        active = interventions.active_protection(complaint)
        if active is not None:
            active = interventions.intervention_lift(
                intervention=active, actor=actors.COMPLAINANT, reason="ended by the person concerned"
            )
        return _protection_answer(request, token, active, 200)
