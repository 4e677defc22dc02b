"""Output serializers of the moderator workspace API: one per response body.

The fields are exactly what each endpoint returns, and the same classes document the
responses in the OpenAPI schema, so the two cannot disagree.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.models import Complaint
from moderation import selectors, services
from moderation.models import Decision, Incident
from moderation.redress import (
    APPEAL_DECIDED,
    APPEAL_NOT_APPLICABLE,
    APPEAL_OPEN,
    APPEAL_POSSIBLE,
    APPEAL_REVERSED,
    APPEAL_WINDOW_CLOSED,
)


def strings(**kwargs) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), **kwargs)


class ItemActionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    item_id = serializers.IntegerField()
    kind = serializers.CharField()
    state = serializers.CharField()
    updated_at = serializers.DateTimeField()
    reported_at = serializers.DateTimeField(allow_null=True)
    platform_note = serializers.CharField()


class StatementOfReasonsOutput(serializers.Serializer):
    """The statement of reasons as stored (DSA Art. 17); no personal data."""

    measure = serializers.CharField()
    item_ids = serializers.ListField(child=serializers.IntegerField())
    territorial_scope = strings()
    end_date = serializers.CharField(allow_null=True, help_text="ISO 8601 date")
    facts = serializers.CharField()
    ground_type = serializers.CharField()
    legal_ground = serializers.CharField()
    explanation = serializers.CharField()
    automated_detection = serializers.BooleanField()
    automated_decision = serializers.BooleanField()
    redress = serializers.CharField()
    decided_at = serializers.CharField(help_text="ISO 8601 date and time with offset")


class DecisionOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    case = serializers.CharField(source="complaint.reference")
    state = serializers.CharField()
    decided_by = serializers.CharField(source="decided_by.get_username")
    based_on_version = serializers.CharField()
    manifestly_unfounded = serializers.BooleanField()
    incident_id = serializers.IntegerField(allow_null=True)
    replaces_decision_id = serializers.IntegerField(source="replaces_id", allow_null=True)
    statement_of_reasons = serializers.SerializerMethodField()
    item_actions = ItemActionOutput(source="item_actions.all", many=True)

    @extend_schema_field(StatementOfReasonsOutput)
    def get_statement_of_reasons(self, decision: Decision) -> dict[str, Any]:
        return StatementOfReasonsOutput(services.statement_of_reasons(decision)).data


class QueueRowOutput(serializers.Serializer):
    reference = serializers.CharField()
    priority = serializers.CharField()
    priority_reasons = strings()
    status = serializers.CharField()
    disclosed_info = strings()
    harms = strings()
    language = serializers.CharField()
    source = serializers.CharField()
    threat_to_life = serializers.BooleanField()
    victim_is_minor = serializers.BooleanField()
    items = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField()
    response_due_at = serializers.DateTimeField(allow_null=True)
    time_left = serializers.CharField()
    overdue = serializers.BooleanField(source="is_overdue")
    breached_at = serializers.DateTimeField(allow_null=True)
    claimed_by = serializers.CharField(allow_null=True, help_text="The claiming moderator's username")
    claim_expires_at = serializers.DateTimeField(allow_null=True)

    def get_items(self, complaint: Complaint) -> int:
        return complaint.item_count or 0


class QueueCountsOutput(serializers.Serializer):
    P0 = serializers.IntegerField()
    P1 = serializers.IntegerField()
    P2 = serializers.IntegerField()


class QueueOutput(serializers.Serializer):
    counts = QueueCountsOutput(help_text="Open cases per priority; a count stops at the cap + 1")
    counts_capped = serializers.SerializerMethodField(help_text="The priorities whose count is above the cap")
    overdue = serializers.IntegerField(source="overdue_count")
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = QueueRowOutput(source="rows", many=True)

    def get_counts_capped(self, page: selectors.QueuePage) -> list[str]:
        return sorted(p for p, n in page.counts.items() if n > page.cap)


class ComplainantOutput(serializers.Serializer):
    name = serializers.CharField(source="complainant_name")
    email = serializers.CharField(source="complainant_email")
    phone = serializers.CharField(source="complainant_phone")


class VictimOutput(serializers.Serializer):
    name = serializers.CharField(source="victim_name")
    is_minor = serializers.BooleanField(source="victim_is_minor")


class ClaimOutput(serializers.Serializer):
    moderator = serializers.CharField(source="moderator.get_username")
    expires_at = serializers.DateTimeField()


class CaseItemOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    position = serializers.IntegerField()
    url = serializers.CharField()
    note = serializers.CharField()


class CaseEvidenceOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    received_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, evidence) -> str:
        return f"/staff/cases/{evidence.complaint.reference}/evidence/{evidence.pk}/"


class HistoryEntryOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    at = serializers.DateTimeField(source="created_at")
    actor = serializers.CharField()
    code = serializers.CharField()
    details = serializers.DictField(
        child=serializers.JSONField(),
        help_text="What the event records; the keys depend on the code (the audit log's own record)",
    )


class RelatedCaseOutput(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField()
    reasons = strings(help_text="same_url, same_victim, same_evidence, ...")


class CaseOutput(serializers.Serializer):
    reference = serializers.CharField()
    version = serializers.SerializerMethodField()
    status = serializers.CharField()
    priority = serializers.CharField()
    priority_reasons = strings()
    source = serializers.CharField()
    relationship = serializers.CharField()
    complainant = ComplainantOutput(source="*")
    victim = VictimOutput(source="*")
    disclosed_info = strings()
    harms = strings()
    explanation = serializers.CharField()
    evidence_excerpt = serializers.CharField()
    language = serializers.CharField()
    received_at = serializers.DateTimeField()
    response_due_at = serializers.DateTimeField(allow_null=True)
    missing = strings()
    claim = serializers.SerializerMethodField()
    items = CaseItemOutput(source="items.all", many=True)
    evidence = CaseEvidenceOutput(source="evidence.all", many=True)
    decisions = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    related = serializers.SerializerMethodField()

    def get_version(self, complaint: Complaint) -> str:
        return services.case_version(complaint)

    @extend_schema_field(ClaimOutput(allow_null=True))
    def get_claim(self, complaint: Complaint) -> dict[str, Any] | None:
        claim = services.active_claim(complaint)
        return ClaimOutput(claim).data if claim else None

    @extend_schema_field(DecisionOutput(many=True))
    def get_decisions(self, complaint: Complaint) -> list[dict[str, Any]]:
        return DecisionOutput(selectors.case_decisions(complaint), many=True).data

    @extend_schema_field(HistoryEntryOutput(many=True))
    def get_history(self, complaint: Complaint) -> list[dict[str, Any]]:
        return HistoryEntryOutput(selectors.case_history(complaint), many=True).data

    @extend_schema_field(RelatedCaseOutput(many=True))
    def get_related(self, complaint: Complaint) -> list[dict[str, Any]]:
        return RelatedCaseOutput(selectors.related_cases_for(complaint, self.context["user"]), many=True).data


class ClaimTakenOutput(serializers.Serializer):
    reference = serializers.CharField()
    claimed_by = serializers.CharField()
    expires_at = serializers.DateTimeField()
    version = serializers.CharField()


class ReleasedOutput(serializers.Serializer):
    reference = serializers.CharField()
    released = serializers.BooleanField()


class CounterNoticeOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    decision_id = serializers.IntegerField()
    state = serializers.CharField()
    received_at = serializers.DateTimeField()
    forwarded_at = serializers.DateTimeField(allow_null=True)
    wait_ends_at = serializers.DateTimeField(allow_null=True)


class AppealOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    decision_id = serializers.IntegerField()
    side = serializers.CharField()
    state = serializers.CharField()
    filed_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    reasons = serializers.CharField()
    new_decision_id = serializers.IntegerField(allow_null=True)


class OpenAppealOutput(AppealOutput):
    case = serializers.CharField(source="decision.complaint.reference")
    decided_by = serializers.IntegerField(source="decision.decided_by_id", help_text="The deciding moderator's user id")


class OpenAppealListOutput(serializers.Serializer):
    results = OpenAppealOutput(many=True)


class IncidentCaseOutput(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField()


class IncidentOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    kind = serializers.CharField()
    state = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    cases = serializers.SerializerMethodField()

    @extend_schema_field(IncidentCaseOutput(many=True))
    def get_cases(self, incident: Incident) -> list[dict[str, Any]]:
        return IncidentCaseOutput(incident.complaints.order_by("pk"), many=True).data


class IncidentListOutput(serializers.Serializer):
    results = IncidentOutput(many=True)


class BulkResultOutput(serializers.Serializer):
    reference = serializers.CharField()
    ok = serializers.BooleanField()
    decision_id = serializers.IntegerField(allow_null=True, help_text="The new decision; null when not ok")
    error_code = serializers.CharField(help_text="Why the case was not decided; empty when ok")
    message = serializers.CharField()


class BulkResultListOutput(serializers.Serializer):
    results = BulkResultOutput(many=True)


class MisuseFiguresOutput(serializers.Serializer):
    since = serializers.CharField(help_text="ISO 8601 date: the look-back window starts here")
    decided = serializers.IntegerField()
    manifestly_unfounded = serializers.IntegerField()
    share = serializers.FloatField()


class MisuseStandingOutput(serializers.Serializer):
    submitter_key = serializers.CharField()
    state = serializers.CharField()
    warned_at = serializers.DateTimeField(allow_null=True)
    suspended_until = serializers.DateTimeField(allow_null=True)
    figures = serializers.SerializerMethodField()

    @extend_schema_field(MisuseFiguresOutput)
    def get_figures(self, standing) -> dict[str, Any]:
        return MisuseFiguresOutput(services.misuse_figures(standing.submitter_key)).data


class MisuseCandidateOutput(serializers.Serializer):
    submitter_key = serializers.CharField()
    figures = MisuseFiguresOutput()
    recommended = serializers.BooleanField()
    state = serializers.CharField()
    suspended_until = serializers.DateTimeField(allow_null=True)


class MisuseCandidateListOutput(serializers.Serializer):
    results = MisuseCandidateOutput(many=True)


# --- The complainant's tracking panel (``sections.outcome`` of the tracking API) ----------------


class OutcomeItemActionOutput(serializers.Serializer):
    item_id = serializers.IntegerField()
    url = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()


class OutcomeCounterNoticeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    statement = serializers.CharField()
    wait_ends_at = serializers.DateTimeField(allow_null=True)


class OutcomeAppealOutput(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    reasons = serializers.CharField()


class OutcomeDecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    measure = serializers.CharField()
    measure_label = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    decided_at = serializers.DateTimeField()
    explanation = serializers.CharField()
    redress = serializers.CharField()
    end_date = serializers.DateField(allow_null=True)
    actions_done = serializers.IntegerField()
    actions_total = serializers.IntegerField()
    item_actions = OutcomeItemActionOutput(many=True)
    counter_notices = OutcomeCounterNoticeOutput(many=True)
    appeals = OutcomeAppealOutput(many=True, help_text="The complainant's appeals")
    can_appeal = serializers.BooleanField()
    appeal_until = serializers.DateTimeField()
    appeal_status = serializers.ChoiceField(
        choices=[APPEAL_POSSIBLE, APPEAL_NOT_APPLICABLE, APPEAL_REVERSED, APPEAL_OPEN, APPEAL_DECIDED,
                 APPEAL_WINDOW_CLOSED],
        help_text="Whether the complainant may appeal, and if not why")
    appeal_note = serializers.CharField(help_text="Why no appeal is offered, in words (empty when one is)")


class OutcomeSectionOutput(serializers.Serializer):
    """The decisions on the complaint as the complainant sees them: no staff names."""

    decisions = OutcomeDecisionOutput(many=True)
    latest_decision_id = serializers.IntegerField()
