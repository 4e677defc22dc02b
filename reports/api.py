"""API adapters of the reports app: parse, call the service or selector, render."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import actors
from complaints.models import Complaint
from complaints.selectors import complaint_by_reference
from hostplatform import platforms
from reports import referrals, transparency
from reports.assessments import assessment_context, assessment_set_staff_facts
from reports.dsa import BATCH_LIMIT
from reports.models import Referral
from reports.serializers import DsaStatementOut, StaffFactsOut, TransparencyOut
from reports.seriousness import TIER_OF_KIND
from reports.statements import statements_batch
from takedown import roles
from takedown.access import HasRole
from takedown.exceptions import InvalidInput, NotFound
from takedown.ratelimit import public_throttle

CASE_ROLES = (roles.MODERATOR, roles.SENIOR_MODERATOR, roles.ADMIN)


class DsaRenderer(JSONRenderer):
    """Selected by ``?format=dsa``: the body is the Transparency Database's format."""

    format = "dsa"


class CsvRenderer(JSONRenderer):
    """Selected by ``?format=csv``; the view returns the CSV text itself."""

    media_type = "text/csv"
    format = "csv"


def _case(reference: str) -> Complaint:
    complaint = complaint_by_reference(reference)
    if complaint is None:
        raise NotFound(_("No case with this reference."))
    return complaint


# --- Referrals -------------------------------------------------------------------------


class ReferralCreateIn(serializers.Serializer):
    authority = serializers.ChoiceField(choices=Referral.Authority.choices)
    reason = serializers.CharField(max_length=5000)
    send = serializers.BooleanField(default=False, help_text="Send at once, with the package.")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ReferralStatusIn(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[s for s in Referral.Status.choices if s[0] != Referral.Status.PROPOSED]
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    authority_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ReferralStepOut(serializers.Serializer):
    status = serializers.CharField()
    actor = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField()


class ReferralOut(serializers.Serializer):
    id = serializers.IntegerField()
    authority = serializers.CharField()
    subject_type = serializers.CharField()
    subject_id = serializers.IntegerField()
    case_reference = serializers.SerializerMethodField()
    status = serializers.CharField()
    reason = serializers.CharField()
    automatic = serializers.BooleanField()
    proposed_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    authority_reference = serializers.CharField()
    package_sha256 = serializers.CharField()
    steps = ReferralStepOut(many=True)

    def get_case_reference(self, obj: Referral) -> str | None:
        return obj.complaint.reference if obj.complaint_id else None


class ReferralDetailOut(ReferralOut):
    package = serializers.SerializerMethodField()

    def get_package(self, obj: Referral) -> dict[str, Any]:
        return referrals.package_with_contacts(obj)


def _with_steps(referral_id: int) -> Referral:
    referral = (
        Referral.objects.select_related("complaint").prefetch_related("steps").filter(pk=referral_id).first()
    )
    if referral is None:
        raise NotFound(_("No such referral."))
    return referral


class CaseReferralsApi(APIView):
    """List a case's referrals, or propose (and optionally send) one."""

    permission_classes = [HasRole.of(*CASE_ROLES)]

    @extend_schema(responses=ReferralOut(many=True))
    def get(self, request: Request, reference: str) -> Response:
        complaint = _case(reference)
        rows = Referral.objects.filter(complaint=complaint).select_related("complaint").prefetch_related("steps")
        return Response(ReferralOut(rows, many=True).data)

    @extend_schema(request=ReferralCreateIn, responses={201: ReferralOut, 200: ReferralOut})
    def post(self, request: Request, reference: str) -> Response:
        complaint = _case(reference)
        data = ReferralCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        actor = actors.for_user(request.user)
        before = Referral.objects.filter(
            complaint=complaint, authority=data.validated_data["authority"], status__in=Referral.OPEN_STATUSES
        ).values_list("pk", flat=True).first()
        referral = referrals.propose_referral(
            subject=complaint,
            authority=data.validated_data["authority"],
            reason=data.validated_data["reason"],
            actor=actor,
        )
        if data.validated_data["send"] and referral.status == Referral.Status.PROPOSED:
            referral = referrals.referral_send(referral=referral, actor=actor, note=data.validated_data["note"])
        code = status.HTTP_200_OK if before == referral.pk else status.HTTP_201_CREATED
        return Response(ReferralOut(_with_steps(referral.pk)).data, status=code)


class ReferralApi(APIView):
    permission_classes = [HasRole.of(*CASE_ROLES)]

    @extend_schema(responses=ReferralDetailOut)
    def get(self, request: Request, referral_id: int) -> Response:
        return Response(ReferralDetailOut(_with_steps(referral_id)).data)


class ReferralStatusApi(APIView):
    """Record the next step: sent, acknowledged (with the authority's file number), closed, declined."""

    permission_classes = [HasRole.of(*CASE_ROLES)]

    @extend_schema(request=ReferralStatusIn, responses=ReferralOut)
    def post(self, request: Request, referral_id: int) -> Response:
        referral = _with_steps(referral_id)
        data = ReferralStatusIn(data=request.data)
        data.is_valid(raise_exception=True)
        actor = actors.for_user(request.user)
        target = data.validated_data["status"]
        note = data.validated_data["note"]
        if target == Referral.Status.ACKNOWLEDGED:
            referrals.referral_acknowledge(
                referral=referral, actor=actor, note=note, authority_reference=data.validated_data["authority_reference"]
            )
        else:
            referrals.STATUS_ACTIONS[target](referral=referral, actor=actor, note=note)
        return Response(ReferralOut(_with_steps(referral_id)).data)


# --- Assessment ------------------------------------------------------------------------


class AssessmentFactsIn(serializers.Serializer):
    counts = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=1_000_000_000), required=False, default=dict
    )
    used_for_crime = serializers.BooleanField(default=False)
    grave_consequence = serializers.BooleanField(default=False)
    obtained_in_duty = serializers.BooleanField(default=False)
    shares = serializers.IntegerField(min_value=0, max_value=1_000_000_000, default=0)
    views = serializers.IntegerField(min_value=0, max_value=1_000_000_000, default=0)

    def validate_counts(self, value: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(value) - set(TIER_OF_KIND))
        if unknown:
            raise serializers.ValidationError(f"Unknown kinds: {', '.join(unknown)}")
        return value


class AssessmentOut(serializers.Serializer):
    reference = serializers.CharField()
    priority = serializers.CharField()
    level = serializers.ChoiceField(choices=["none", "serious", "especially_serious"])
    percent = serializers.IntegerField()
    flags = serializers.ListField(child=serializers.CharField())
    proposed_referrals = serializers.ListField(child=serializers.CharField())
    explanation = serializers.ListField(child=serializers.CharField())
    articles = serializers.ListField(child=serializers.CharField())
    staff_facts = StaffFactsOut()
    computed_at = serializers.DateTimeField()
    note = serializers.CharField()


class CaseAssessmentApi(APIView):
    """The case's serious-circumstances assessment (a flag, not a legal finding)."""

    permission_classes = [HasRole.of(*CASE_ROLES)]

    @extend_schema(
        responses=AssessmentOut,
        parameters=[OpenApiParameter("lang", str, enum=["en", "zh-hans"], description="Language of the explanation")],
    )
    def get(self, request: Request, reference: str) -> Response:
        complaint = _case(reference)
        return Response(_assessment_out(complaint, request))

    @extend_schema(request=AssessmentFactsIn, responses=AssessmentOut)
    def post(self, request: Request, reference: str) -> Response:
        complaint = _case(reference)
        data = AssessmentFactsIn(data=request.data)
        data.is_valid(raise_exception=True)
        assessment_set_staff_facts(subject=complaint, facts=data.validated_data, actor=actors.for_user(request.user))
        complaint.refresh_from_db()
        return Response(_assessment_out(complaint, request))


def _assessment_out(complaint: Complaint, request: Request) -> dict[str, Any]:
    language = request.query_params.get("lang") or getattr(request, "LANGUAGE_CODE", "en")
    context = assessment_context(complaint, language)["assessment"]
    if context is None:
        raise NotFound(_("This case has not been assessed yet."))
    out = {
        "reference": complaint.reference,
        "priority": complaint.priority,
        "level": context["level"],
        "percent": context["percent"],
        "flags": context["flags"],
        "proposed_referrals": context["proposed_referrals"],
        "explanation": [line["text"] for line in context["lines"]],
        "articles": [line["article"] for line in context["lines"]],
        "staff_facts": context["staff_facts"],
        "computed_at": context["computed_at"],
        "note": "An automatic flag for prioritisation and referral, not a legal finding.",
    }
    return AssessmentOut(out).data


# --- Transparency ----------------------------------------------------------------------


# The web page's form sends empty fields for "the default".
DATE_OR_EMPTY = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]}


PERIOD_PARAMETERS = [
    OpenApiParameter("from", DATE_OR_EMPTY, description="First day (empty or absent: 90 days before 'to'); not after 'to'"),
    OpenApiParameter("to", DATE_OR_EMPTY, description="Last day (empty or absent: today)"),
    OpenApiParameter("platform", str, description=(
        "One platform's figures (its slug); empty or absent: the whole group. A slug naming no platform is 422.")),
]


class TransparencyApi(APIView):
    """Public figures for a period; JSON, or CSV with ``?format=csv`` or ``.csv``."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [public_throttle("public_track")]
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses={(200, "application/json"): TransparencyOut, (200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request, csv: bool = False) -> Response | HttpResponse:
        period = transparency.parse_period(request.query_params.get("from"), request.query_params.get("to"))
        platform = transparency.platform_named(request.query_params.get("platform"))
        report = transparency.cached_figures(period, platform)
        if csv or request.accepted_renderer.format == "csv":
            response = HttpResponse(transparency.as_csv(report), content_type="text/csv; charset=utf-8")
            of = f"-{platform.slug}" if platform is not None else ""
            response["Content-Disposition"] = (
                f'attachment; filename="transparency{of}-{period.start.isoformat()}-{period.end.isoformat()}.csv"'
            )
            return response
        return Response(TransparencyOut(report).data)


class TransparencyCsvApi(TransparencyApi):
    """``transparency.csv``: the same figures, always as CSV."""

    @extend_schema(parameters=PERIOD_PARAMETERS, responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request, csv: bool = True) -> Response | HttpResponse:
        return super().get(request, csv=True)


# --- Statements of reasons -------------------------------------------------------------


class WithheldOut(serializers.Serializer):
    decision_id = serializers.IntegerField()
    puid = serializers.CharField()
    reason = serializers.ChoiceField(choices=["not_a_country", "outside_eea", "invalid"])
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class StatementsBatchOut(serializers.Serializer):
    statements = DsaStatementOut(many=True, help_text="1 to 100 statements, each valid under the database's rules")
    withheld = WithheldOut(many=True, help_text="Decisions in this batch's range whose statement is not emitted")
    next_after = serializers.IntegerField(allow_null=True)
    next = serializers.URLField(allow_null=True, help_text="The next batch; null at the end. Never an empty batch.")


def _statements_platform(request: Request):
    """(platform, slug for the next link): a platform's token gets its own statements only;
    staff get the group's, or one platform's with ``?platform=<slug>``."""
    if roles.has_role(request.user, roles.PLATFORM) and not roles.has_role(request.user, *roles.STAFF_ROLES):
        return platforms.platform_of_user(request.user), ""
    slug = request.query_params.get("platform", "")
    return transparency.platform_named(slug), slug


class StatementsOfReasonsApi(APIView):
    """Statements of reasons in batches of 1 to 100, ready for the DSA database's multiple
    endpoint (``{"statements": [...]}``). Follow ``next`` for the next batch; a batch is empty
    only when nothing at all is left to export. Statements the database would refuse are
    never emitted: they are listed in ``withheld`` with the reasons."""

    permission_classes = [HasRole.of(roles.SENIOR_MODERATOR, roles.ADMIN, roles.MODERATOR, roles.PLATFORM)]
    renderer_classes = [JSONRenderer, DsaRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=["dsa", "json"]),
            OpenApiParameter("after", {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
                             description="Cursor: the `next_after` of the previous batch"),
            OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": BATCH_LIMIT}),
            OpenApiParameter("platform", str, description="Staff: one platform's statements (its slug), each "
                             "under its own DSA platform identifier. A platform's token always gets its own."),
        ],
        responses=StatementsBatchOut,
    )
    def get(self, request: Request) -> Response:
        if request.query_params.get("format", "dsa") not in ("dsa", "json"):
            raise InvalidInput(_("Unknown format."), fields={"format": ["dsa, json"]})
        try:
            after = int(request.query_params.get("after", 0))
            limit = int(request.query_params.get("limit", BATCH_LIMIT))
        except ValueError as exc:
            raise InvalidInput(_("after and limit must be whole numbers."), fields={"after": [_("Whole number.")]}) from exc
        if not 0 <= after < 2**63:
            raise InvalidInput(_("after is out of range."), fields={"after": ["0 to 2^63 - 1."]})
        if limit < 1 or limit > BATCH_LIMIT:
            raise InvalidInput(_("limit must be between 1 and %(n)s.") % {"n": BATCH_LIMIT}, fields={"limit": [f"1..{BATCH_LIMIT}"]})
        platform, slug = _statements_platform(request)
        batch = statements_batch(after=after, limit=limit, platform=platform)
        next_url = None
        if batch.next_after is not None:
            also = f"&platform={slug}" if slug else ""
            next_url = request.build_absolute_uri(
                f"{request.path}?format=dsa&after={batch.next_after}&limit={limit}{also}"
            )
        return Response(StatementsBatchOut({
            "statements": batch.statements,
            "withheld": [w.as_dict() for w in batch.withheld],
            "next_after": batch.next_after,
            "next": next_url,
        }).data)
