"""API adapters of the moderator workspace: parse, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import actors
from complaints import hooks as complaint_hooks
from complaints.models import Complaint
from complaints.selectors import complaint_by_reference
from complaints.vocabulary import DISCLOSED_KIND_KEYS
from moderation import selectors, services
from moderation.models import Appeal, CounterNotice, Decision, Incident, Measure
from moderation.serializers import (
    AppealOutput,
    BulkResultListOutput,
    CaseOutput,
    ClaimTakenOutput,
    CounterNoticeOutput,
    DecisionOutput,
    IncidentListOutput,
    IncidentOutput,
    MisuseCandidateListOutput,
    MisuseStandingOutput,
    OpenAppealListOutput,
    QueueOutput,
    ReleasedOutput,
)
from takedown import roles
from takedown.access import HasRole
from takedown.exceptions import InvalidInput, NotFound
from takedown.ratelimit import public_throttle

Reviewers = HasRole.of(*services.REVIEWERS)
CaseReaders = HasRole.of(*services.REVIEWERS, roles.INVESTIGATOR)


def load_case(reference: str, user) -> Complaint:
    """The case, if this user may see it (investigators: only cases their legal request covers)."""
    complaint = complaint_by_reference(reference)
    if complaint is None:
        raise NotFound(_("No case with this reference."))
    if not roles.has_role(user, *services.REVIEWERS) and not any(complaint_hooks.case_visible(user, complaint)):
        # Same answer as a missing case: an investigator learns nothing outside their scope.
        raise NotFound(_("No case with this reference."))
    return complaint


# --- Queue and cases ---------------------------------------------------------------------------


class QueueApi(APIView):
    permission_classes = [Reviewers]

    @extend_schema(
        summary="Open cases, most urgent first",
        parameters=[
            OpenApiParameter("priority", str, enum=["P0", "P1", "P2"]),
            OpenApiParameter("status", str, enum=list(Complaint.OPEN_STATUSES)),
            OpenApiParameter("kind", str, enum=sorted(DISCLOSED_KIND_KEYS), description="A kind of disclosed information"),
            OpenApiParameter("language", {"type": "string", "maxLength": 8}),
            OpenApiParameter("overdue", int, enum=[0, 1], description="1: only cases past their response deadline"),
            OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000}),
            OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": selectors.PAGE_SIZE_MAX}),
        ],
        responses={200: QueueOutput},
    )
    def get(self, request: Request) -> Response:
        filters, page, page_size = parse_queue_query(request.query_params)
        # Counts stop at count_cap + 1 (above it, "counts_capped" names the priorities).
        return Response(QueueOutput(selectors.queue_page(filters, page=page, page_size=page_size)).data)


def parse_queue_query(params) -> tuple[selectors.QueueFilters, int, int]:
    """Shared by the API and the page, so the two cannot filter differently."""
    errors: dict[str, list[str]] = {}
    priority = params.get("priority", "")
    if priority and priority not in selectors.PRIORITIES:
        errors["priority"] = ["One of P0, P1, P2."]
    status_ = params.get("status", "")
    if status_ and status_ not in Complaint.OPEN_STATUSES:
        errors["status"] = [f"One of: {', '.join(Complaint.OPEN_STATUSES)}."]
    kind = params.get("kind", "")
    if kind and kind not in DISCLOSED_KIND_KEYS:
        errors["kind"] = ["Unknown kind of information."]
    language = params.get("language", "")
    if len(language) > 8:
        errors["language"] = ["At most 8 characters."]
    try:
        page = int(params.get("page", 1) or 1)
        page_size = int(params.get("page_size", selectors.PAGE_SIZE_DEFAULT) or selectors.PAGE_SIZE_DEFAULT)
    except ValueError:
        errors["page"] = ["Whole numbers only."]
        page, page_size = 1, selectors.PAGE_SIZE_DEFAULT
    if not 1 <= page_size <= selectors.PAGE_SIZE_MAX:
        errors["page_size"] = [f"1 to {selectors.PAGE_SIZE_MAX}."]
    if page < 1 or page > 1_000_000:
        errors["page"] = ["Out of range."]
    if errors:
        raise InvalidInput(_("The queue filters are invalid."), fields=errors)
    overdue = params.get("overdue", "")
    if overdue not in ("", "0", "1"):
        raise InvalidInput(_("The queue filters are invalid."), fields={"overdue": ["0 or 1."]})
    return selectors.QueueFilters(priority, status_, kind, language, overdue == "1"), page, page_size


class CaseApi(APIView):
    permission_classes = [CaseReaders]

    @extend_schema(summary="A case: items, evidence metadata, decisions, history, related cases",
                   responses={200: CaseOutput})
    def get(self, request: Request, reference: str) -> Response:
        complaint = load_case(reference, request.user)
        services.case_viewed(complaint=complaint, user=request.user)
        return Response(CaseOutput(complaint, context={"user": request.user}).data)


class ClaimApi(APIView):
    permission_classes = [Reviewers]

    @extend_schema(summary="Claim (or renew the claim on) a case", request=None, responses={200: ClaimTakenOutput})
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_case(reference, request.user)
        claim = services.claim_take(complaint=complaint, user=request.user)
        complaint.refresh_from_db()
        return Response(ClaimTakenOutput({
            "reference": complaint.reference, "claimed_by": request.user.get_username(),
            "expires_at": claim.expires_at, "version": services.case_version(complaint),
        }).data)


class ReleaseApi(APIView):
    permission_classes = [Reviewers]

    @extend_schema(summary="Release a claimed case", request=None, responses={200: ReleasedOutput})
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_case(reference, request.user)
        services.claim_release(complaint=complaint, user=request.user)
        return Response(ReleasedOutput({"reference": complaint.reference, "released": True}).data)


class DecisionIn(serializers.Serializer):
    measure = serializers.ChoiceField(choices=Measure.values)
    item_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=100)
    territorial_scope = serializers.ListField(child=serializers.CharField(max_length=2), required=False,
                                              max_length=300, default=list)
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    facts = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    ground_type = serializers.ChoiceField(choices=Decision.GroundType.values, default=Decision.GroundType.LEGAL)
    legal_ground = serializers.CharField(required=False, allow_blank=True, default="", max_length=5_000)
    explanation = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    automated_detection = serializers.BooleanField(default=False)
    automated_decision = serializers.BooleanField(default=False)
    redress = serializers.CharField(required=False, allow_blank=True, default="", max_length=5_000)
    manifestly_unfounded = serializers.BooleanField(default=False)
    expected_version = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)


def decision_input(data: dict[str, Any], *, expected_version: str = "") -> services.DecisionInput:
    return services.DecisionInput(
        measure=data["measure"],
        item_ids=data.get("item_ids") or None,
        territorial_scope=data.get("territorial_scope") or [],
        end_date=data.get("end_date"),
        facts=data.get("facts", ""),
        ground_type=data.get("ground_type", Decision.GroundType.LEGAL),
        legal_ground=data.get("legal_ground", ""),
        explanation=data.get("explanation", ""),
        automated_detection=data.get("automated_detection", False),
        automated_decision=data.get("automated_decision", False),
        redress=data.get("redress", ""),
        manifestly_unfounded=data.get("manifestly_unfounded", False),
        expected_version=data.get("expected_version") or expected_version or None,
    )


class DecisionsApi(APIView):
    permission_classes = [Reviewers]

    @extend_schema(summary="Decide a case with a statement of reasons", request=DecisionIn,
                   responses={201: DecisionOutput})
    def post(self, request: Request, reference: str) -> Response:
        complaint = load_case(reference, request.user)
        incoming = DecisionIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        # The case version may also come as an If-Match header (an ETag-style precondition).
        if_match = (request.headers.get("If-Match") or "").strip('"')
        decision = services.decision_create(
            complaint=complaint, user=request.user,
            data=decision_input(incoming.validated_data, expected_version=if_match),
        )
        return Response(DecisionOutput(decision).data, status=status.HTTP_201_CREATED)


# --- Counter-notices ------------------------------------------------------------------------------


class CounterNoticeIn(serializers.Serializer):
    token = serializers.CharField(max_length=100)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    statement = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")
    evidence = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")


class CounterNoticesApi(APIView):
    """Public: the poster's private token authorises the counter-notice."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [public_throttle("public_intake")]

    @extend_schema(summary="The poster objects to a measure (counter-notice)", request=CounterNoticeIn,
                   responses={201: CounterNoticeOutput})
    def post(self, request: Request) -> Response:
        incoming = CounterNoticeIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        counter = services.counter_notice_submit(data=services.CounterNoticeInput(**incoming.validated_data))
        counter.refresh_from_db()
        return Response(CounterNoticeOutput(counter).data, status=status.HTTP_201_CREATED)


class ProofIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=services.PROOF_KINDS)
    note = serializers.CharField(max_length=5_000)


class CounterNoticeProofApi(APIView):
    """Staff record the complainant's proof of a complaint to an authority or a lawsuit."""

    permission_classes = [Reviewers]

    @extend_schema(summary="Record proof of a complaint or lawsuit (puts the case on hold)", request=ProofIn,
                   responses={200: CounterNoticeOutput})
    def post(self, request: Request, pk: int) -> Response:
        counter = CounterNotice.objects.select_related("decision__complaint").filter(pk=pk).first()
        if counter is None:
            raise NotFound(_("No such counter-notice."))
        incoming = ProofIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        counter = services.counter_notice_proof(counter=counter, actor=actors.for_user(request.user),
                                                **incoming.validated_data)
        return Response(CounterNoticeOutput(counter).data)


# --- Appeals ----------------------------------------------------------------------------------------


class AppealIn(serializers.Serializer):
    token = serializers.CharField(max_length=100, help_text="The complainant's tracking token or the poster's token")
    grounds = serializers.CharField(max_length=10_000)
    decision_id = serializers.IntegerField(required=False, min_value=1)


class AppealsApi(APIView):
    """POST is public (authorised by either side's private token); GET lists appeals for staff."""

    throttle_classes = [public_throttle("public_intake")]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [Reviewers()]

    def get_authenticators(self):
        # Schema generation asks before a request exists.
        return [] if getattr(self.request, "method", None) == "POST" else super().get_authenticators()

    @extend_schema(summary="Appeal a decision (either side, within the appeal window)", request=AppealIn,
                   responses={201: AppealOutput})
    def post(self, request: Request) -> Response:
        incoming = AppealIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        appeal = services.appeal_file(**incoming.validated_data)
        return Response(AppealOutput(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Open appeals (staff)", responses={200: OpenAppealListOutput})
    def get(self, request: Request) -> Response:
        appeals = Appeal.objects.filter(state=Appeal.State.OPEN).select_related("decision__complaint").order_by("filed_at")
        return Response(OpenAppealListOutput({"results": appeals[:200]}).data)


class AppealDecisionIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[Appeal.State.UPHELD, Appeal.State.REVERSED])
    reasons = serializers.CharField(max_length=10_000)
    new_decision = DecisionIn(required=False)


class AppealDecisionApi(APIView):
    permission_classes = [Reviewers]

    @extend_schema(summary="Decide an appeal (a moderator other than the one who decided)",
                   request=AppealDecisionIn, responses={200: AppealOutput})
    def post(self, request: Request, pk: int) -> Response:
        appeal = Appeal.objects.select_related("decision__complaint").filter(pk=pk).first()
        if appeal is None:
            raise NotFound(_("No such appeal."))
        incoming = AppealDecisionIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        new = decision_input(data["new_decision"]) if data.get("new_decision") else None
        appeal = services.appeal_decide(appeal=appeal, user=request.user, outcome=data["outcome"],
                                        reasons=data["reasons"], new_decision=new)
        return Response(AppealOutput(appeal).data)


# --- Incidents --------------------------------------------------------------------------------------


class IncidentIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Incident.Kind.values)
    note = serializers.CharField(max_length=5_000, required=False, allow_blank=True, default="")
    cases = serializers.ListField(child=serializers.CharField(max_length=30), max_length=1000, default=list)


def _cases_for(references: list[str], user) -> list[Complaint]:
    found, unknown = [], []
    for reference in references:
        complaint = complaint_by_reference(reference)
        (found if complaint is not None else unknown).append(complaint or reference)
    if unknown:
        raise NotFound(_("Some cases do not exist."), fields={"cases": [f"Unknown: {', '.join(unknown)}"]})
    return found


class IncidentsApi(APIView):
    permission_classes = [Reviewers]

    @extend_schema(summary="Group cases into an incident", request=IncidentIn, responses={201: IncidentOutput})
    def post(self, request: Request) -> Response:
        incoming = IncidentIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        incident = services.incident_create(user=request.user, title=data["title"], kind=data["kind"],
                                            note=data["note"], complaints=_cases_for(data["cases"], request.user))
        return Response(IncidentOutput(incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Open incidents", responses={200: IncidentListOutput}, operation_id="v1_incidents_list")
    def get(self, request: Request) -> Response:
        incidents = Incident.objects.filter(state=Incident.State.OPEN).order_by("-created_at")[:100]
        return Response(IncidentListOutput({"results": incidents}).data)


def _incident(pk: int) -> Incident:
    incident = Incident.objects.filter(pk=pk).first()
    if incident is None:
        raise NotFound(_("No such incident."))
    return incident


class IncidentApi(APIView):
    permission_classes = [Reviewers]

    @extend_schema(summary="An incident and its cases", responses={200: IncidentOutput})
    def get(self, request: Request, pk: int) -> Response:
        return Response(IncidentOutput(_incident(pk)).data)


class IncidentCasesIn(serializers.Serializer):
    cases = serializers.ListField(child=serializers.CharField(max_length=30), min_length=1, max_length=1000)


class IncidentCasesApi(APIView):
    permission_classes = [Reviewers]

    @extend_schema(summary="Add cases to an incident", request=IncidentCasesIn, responses={200: IncidentOutput})
    def post(self, request: Request, pk: int) -> Response:
        incoming = IncidentCasesIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        incident = services.incident_add_cases(incident=_incident(pk), user=request.user,
                                               complaints=_cases_for(incoming.validated_data["cases"], request.user))
        return Response(IncidentOutput(incident).data)


class IncidentDecisionsApi(APIView):
    permission_classes = [HasRole.of(*services.SENIORS)]

    @extend_schema(summary="One decision for every open case of the incident; a result per case",
                   request=DecisionIn, responses={200: BulkResultListOutput})
    def post(self, request: Request, pk: int) -> Response:
        incoming = DecisionIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        results = services.incident_decide(incident=_incident(pk), user=request.user,
                                           data=decision_input(incoming.validated_data))
        return Response(BulkResultListOutput({"results": results}).data)


# --- Misuse -----------------------------------------------------------------------------------------


class MisuseIn(serializers.Serializer):
    submitter_key = serializers.CharField(max_length=80)
    reason = serializers.CharField(max_length=5_000)


class MisuseSuspendIn(MisuseIn):
    days = serializers.IntegerField(min_value=1, max_value=365)


class MisuseWarnApi(APIView):
    permission_classes = [HasRole.of(*services.SENIORS)]

    @extend_schema(summary="Warn a submitter (DSA Art. 23)", request=MisuseIn,
                   responses={200: MisuseStandingOutput})
    def post(self, request: Request) -> Response:
        incoming = MisuseIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        standing = services.misuse_warn(submitter_key=data["submitter_key"], user=request.user, reason=data["reason"])
        return Response(MisuseStandingOutput(standing).data)


class MisuseSuspendApi(APIView):
    permission_classes = [HasRole.of(*services.SENIORS)]

    @extend_schema(summary="Suspend a warned submitter from filing (DSA Art. 23)", request=MisuseSuspendIn,
                   responses={200: MisuseStandingOutput})
    def post(self, request: Request) -> Response:
        incoming = MisuseSuspendIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        standing = services.misuse_suspend(submitter_key=data["submitter_key"], user=request.user,
                                           reason=data["reason"], days=data["days"])
        return Response(MisuseStandingOutput(standing).data)


class MisuseFiguresApi(APIView):
    permission_classes = [HasRole.of(*services.SENIORS)]

    @extend_schema(summary="Submitters with manifestly unfounded notices, with their figures",
                   responses={200: MisuseCandidateListOutput})
    def get(self, request: Request) -> Response:
        return Response(MisuseCandidateListOutput({"results": selectors.misuse_candidates()}).data)
