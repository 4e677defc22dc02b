"""API adapters of the special preventive duty: parse, call the service, render.

Screening and signals are the host platform's high-volume calls: their bodies are
checked by hand in the services (``parse_screen_request``, ``parse_signals``) instead of
per-field serializers, and they authenticate through a per-process token cache. The
serializers below describe those bodies for the OpenAPI schema.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import actors
from hostplatform import platforms
from prevention import detection, interventions, selectors, signals
from prevention.auth import CachedTokenAuthentication
from prevention.models import CONTEXTS, TARGET_KEY_CHARS, Alert, Intervention
from prevention.screening import LANGUAGES, MAX_TEXT_CHARS, parse_screen_request, screen
from takedown import bodies, ratelimit, roles
from takedown.access import HasRole
from takedown.bodies import BoundedJSONParser
from takedown.exceptions import PayloadTooLarge, api_exception_handler

STAFF_READERS = (roles.MODERATOR, roles.SENIOR_MODERATOR, roles.ADMIN)
INTERVENERS = (roles.SENIOR_MODERATOR, roles.ADMIN)
# A full batch of 10,000 signals with long target keys stays under this.
SIGNALS_MAX_BYTES = 4 * 1024 * 1024


# --- Schemas -------------------------------------------------------------------------------


class ScreenInput(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT_CHARS, allow_blank=True, trim_whitespace=False)
    context = serializers.ChoiceField(choices=CONTEXTS)
    author = serializers.CharField(required=False, allow_blank=True, max_length=128)
    language = serializers.ChoiceField(choices=LANGUAGES, required=False, default="en")


class StaydownOutput(serializers.Serializer):
    case = serializers.CharField()


class FindingOutput(serializers.Serializer):
    type = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    confidence = serializers.FloatField()
    verdict = serializers.CharField()
    staydown = StaydownOutput(allow_null=True)


class ProtectionOutput(serializers.Serializer):
    kind = serializers.CharField()
    intervention = serializers.IntegerField()
    restrictions = serializers.ListField(child=serializers.CharField())
    until = serializers.DateTimeField()


class ScreenOutput(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["allow", "warn", "limit", "block"])
    findings = FindingOutput(many=True)
    warning = serializers.CharField(allow_null=True)
    protection = ProtectionOutput(many=True)


@extend_schema_field({"anyOf": [{"type": "string", "format": "date-time"}, {"type": "number"}]})
class SignalTimeField(serializers.Field):
    """Documentation only: signals.parse_signals reads the time."""


class SignalInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=signals.SIGNAL_TYPES)
    target = serializers.CharField(max_length=signals.MAX_TARGET_CHARS)
    at = SignalTimeField(required=False, allow_null=True,
                         help_text="ISO 8601 with offset, or seconds since the epoch; absent or null: now")


class SignalsInput(serializers.Serializer):
    signals = SignalInput(many=True, max_length=signals.MAX_SIGNALS)


class SignalsOutput(serializers.Serializer):
    accepted = serializers.IntegerField()
    dropped = serializers.DictField(child=serializers.IntegerField())
    counters = serializers.IntegerField(help_text="Distinct (target, bucket, type) counters updated")


class AlertSeriesOutput(serializers.Serializer):
    counts = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2),
        help_text="[bucket start (seconds since the epoch), signals in the bucket], oldest first",
    )
    expected = serializers.FloatField(help_text="The usual count per bucket")
    spread = serializers.FloatField(help_text="Its typical spread")


class AlertOutput(serializers.Serializer):
    id = serializers.IntegerField()
    target = serializers.CharField()
    state = serializers.CharField()
    severity = serializers.CharField()
    bucket_start = serializers.SerializerMethodField()
    bucket_seconds = serializers.IntegerField()
    count = serializers.IntegerField()
    expected = serializers.FloatField()
    score = serializers.FloatField()
    by_type = serializers.DictField(child=serializers.IntegerField())
    explanation = serializers.CharField()
    series = AlertSeriesOutput()
    referral_proposed = serializers.CharField()
    raised_at = serializers.DateTimeField()
    chart_url = serializers.SerializerMethodField()

    def get_bucket_start(self, alert: Alert) -> str:
        return detection._moment(alert.bucket).isoformat()

    def get_chart_url(self, alert: Alert) -> str:
        return f"/staff/alerts/{alert.pk}/chart.svg"


class AlertListOutput(serializers.Serializer):
    results = AlertOutput(many=True)


class InterventionInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=interventions.STAFF_KINDS)
    target = serializers.CharField(max_length=TARGET_KEY_CHARS, help_text=(
        "The target's key: as the platforms sharing signals send it (the intervention goes to each of "
        "them), or '<slug>/<key>' for a platform counting apart (it goes to that platform alone)"))
    reason = serializers.CharField(max_length=interventions.MAX_REASON_CHARS)
    expires_at = serializers.DateTimeField(required=False)
    duration_minutes = serializers.IntegerField(required=False, min_value=1, max_value=90 * 24 * 60)
    params = serializers.DictField(required=False, help_text="traffic_limit: shares_per_minute, searches_per_minute, mentions_per_minute; interstitial: message")
    alert = serializers.IntegerField(required=False)


class InterventionParamsOutput(serializers.Serializer):
    """What the kind takes: traffic_limit its caps (at least one), interstitial its message (or
    nothing), victim_protection the restrictions, the account and the items; other kinds nothing."""

    shares_per_minute = serializers.IntegerField(required=False)
    searches_per_minute = serializers.IntegerField(required=False)
    mentions_per_minute = serializers.IntegerField(required=False)
    message = serializers.CharField(required=False)
    restrictions = serializers.ListField(child=serializers.CharField(), required=False)
    account = serializers.CharField(required=False, help_text="The protected account; empty: the case's items")
    items = serializers.ListField(child=serializers.CharField(), required=False)


class DeliveryOutput(serializers.Serializer):
    """The state of the webhook telling the host platform, per event; absent: not sent."""

    apply = serializers.CharField(required=False)
    lift = serializers.CharField(required=False)


class InterventionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    state = serializers.CharField()
    target = serializers.CharField()
    params = InterventionParamsOutput()
    reason = serializers.CharField()
    alert = serializers.IntegerField(source="alert_id", allow_null=True)
    starts_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    delivery = serializers.SerializerMethodField()

    @extend_schema_field(DeliveryOutput)
    def get_delivery(self, intervention: Intervention) -> dict:
        return DeliveryOutput(self.context.get("deliveries", {}).get(intervention.pk, {})).data


class InterventionListOutput(serializers.Serializer):
    results = InterventionOutput(many=True)


class LiftInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


# --- Host platform ---------------------------------------------------------------------------


class HostPlatformView(APIView):
    """The host platform's high-volume endpoints: token only, JSON only, no throttling.

    DRF's request and response machinery costs about ten times the screening itself
    (measured: ~240 us against ~20 us for a 280-character post), so ``dispatch`` does
    the same checks directly: the token (through the same cached authentication class),
    the platform role, a JSON body, then ``handle``. Errors go through the project's one
    exception handler, so they have the one error shape. The ``post`` methods below are
    what the OpenAPI schema documents and what a DRF test client would reach; they call
    the same ``handle``.
    """

    authentication_classes = [CachedTokenAuthentication]
    permission_classes = [HasRole.of(roles.PLATFORM)]
    parser_classes = [BoundedJSONParser]
    renderer_classes = [JSONRenderer]
    throttle_classes: list = []
    success_status = 200
    max_body_bytes: int | None = None

    def handle(self, data: Any, user) -> dict:
        raise NotImplementedError

    def post(self, request):
        return Response(self.handle(request.data, request.user), status=self.success_status)

    def dispatch(self, request, *args, **kwargs):
        self.args, self.kwargs, self.request, self.headers = args, kwargs, request, {}
        try:
            if request.method != "POST":
                raise drf_exceptions.MethodNotAllowed(request.method)
            user = self._authenticate(request)
            # The fast path skips DRF's throttles: count the token here, as every endpoint does.
            ratelimit.check_token(user)
            if self.max_body_bytes is not None and _content_length(request) > self.max_body_bytes:
                raise PayloadTooLarge(_("The body may be at most %(n)s bytes.") % {"n": self.max_body_bytes})
            if request.content_type != "application/json":
                raise drf_exceptions.UnsupportedMediaType(request.content_type)
            # Bodies with their own limit are read from the stream, past Django's general
            # DATA_UPLOAD_MAX_MEMORY_SIZE (a full batch of signals may be larger).
            raw = request.read() if self.max_body_bytes is not None else request.body
            try:
                data = bodies.loads(raw)
            except ValueError:
                raise drf_exceptions.ParseError("The body is not valid JSON.") from None
            body = self.handle(data, user)
            return HttpResponse(
                json.dumps(body, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder),
                status=self.success_status,
                content_type="application/json",
            )
        except Exception as exc:
            response = api_exception_handler(exc, {"view": self, "request": request})
            if response is None:
                raise
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
            response.renderer_context = {}
            if isinstance(exc, drf_exceptions.MethodNotAllowed):
                response["Allow"] = "POST"  # RFC 9110 §15.5.6: a 405 names the methods allowed
            return response.render()

    def _authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "").split()
        if not header or header[0].lower() != "token":
            raise drf_exceptions.NotAuthenticated()
        if len(header) != 2:
            raise drf_exceptions.AuthenticationFailed("Invalid token header.")
        user, _token = CachedTokenAuthentication().authenticate_credentials(header[1])
        if not roles.has_role(user, roles.PLATFORM):
            raise drf_exceptions.PermissionDenied(HasRole.message)
        return user


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class ScreenView(HostPlatformView):
    def handle(self, data: Any, user) -> dict:
        return screen(parse_screen_request(data), actor=actors.for_user(user),
                      platform_id=platforms.platform_id_of_user(user)).as_dict()

    @extend_schema(request=ScreenInput, responses=ScreenOutput, summary="Screen a text before publication")
    def post(self, request):
        return super().post(request)


class SignalsView(HostPlatformView):
    success_status = 202
    max_body_bytes = SIGNALS_MAX_BYTES

    def handle(self, data: Any, user) -> dict:
        batch = signals.parse_signals(data, namespace=platforms.signal_namespace_of_user(user))
        signals.count_signals(batch.counts)
        return {
            "accepted": batch.accepted,
            "dropped": {"too_old": batch.too_old, "future": batch.future},
            "counters": len(batch.counts),
        }

    @extend_schema(request=SignalsInput, responses={202: SignalsOutput}, summary="Send a batch of activity signals")
    def post(self, request):
        return super().post(request)


# --- Staff -------------------------------------------------------------------------------------


class AlertListView(APIView):
    authentication_classes = [CachedTokenAuthentication, SessionAuthentication]
    permission_classes = [HasRole.of(*STAFF_READERS)]

    @extend_schema(responses=AlertListOutput, summary="Trend alerts, newest first")
    def get(self, request):
        state = request.query_params.get("state") or None
        alerts = selectors.alerts(state=state, limit=request.query_params.get("limit"))
        return Response({"results": AlertOutput(alerts, many=True).data})


class InterventionListView(APIView):
    authentication_classes = [CachedTokenAuthentication, SessionAuthentication]

    def get_permissions(self):
        allowed = INTERVENERS if self.request.method == "POST" else STAFF_READERS
        return [HasRole.of(*allowed)()]

    @extend_schema(responses=InterventionListOutput, summary="Interventions, newest first")
    def get(self, request):
        items = selectors.interventions(state=request.query_params.get("state") or None)
        context = {"deliveries": selectors.delivery_states(items)}
        return Response({"results": InterventionOutput(items, many=True, context=context).data})

    @extend_schema(request=InterventionInput, responses={201: InterventionOutput}, summary="Apply an intervention")
    def post(self, request):
        data = InterventionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        alert = None
        if v.get("alert") is not None:
            alert = get_object_or_404(Alert, pk=v["alert"])
        duration = timedelta(minutes=v["duration_minutes"]) if v.get("duration_minutes") else None
        intervention = interventions.intervention_create(
            kind=v["kind"],
            target=v["target"],
            reason=v["reason"],
            expires_at=v.get("expires_at"),
            duration=duration,
            params=v.get("params"),
            actor=actors.for_user(request.user),
            user=request.user,
            alert=alert,
        )
        context = {"deliveries": selectors.delivery_states([intervention])}
        return Response(InterventionOutput(intervention, context=context).data, status=201)


class InterventionLiftView(APIView):
    authentication_classes = [CachedTokenAuthentication, SessionAuthentication]
    permission_classes = [HasRole.of(*INTERVENERS)]

    @extend_schema(request=LiftInput, responses=InterventionOutput, summary="Lift an intervention before it expires")
    def post(self, request, pk: int):
        data = LiftInput(data=request.data)
        data.is_valid(raise_exception=True)
        intervention = get_object_or_404(Intervention.objects.exclude(kind=Intervention.Kind.VICTIM_PROTECTION), pk=pk)
        intervention = interventions.intervention_lift(
            intervention=intervention, actor=actors.for_user(request.user), reason=data.validated_data.get("reason", "")
        )
        context = {"deliveries": selectors.delivery_states([intervention])}
        return Response(InterventionOutput(intervention, context=context).data)
