"""Output serializers of the reports app's read-outs (the API's own are in ``api``)."""

from __future__ import annotations

from rest_framework import serializers


class EvidencePackSectionOutput(serializers.Serializer):
    """``sections.evidence_pack`` of the tracking API: where the complainant downloads the evidence pack."""

    download_url = serializers.CharField()


# --- Transparency ------------------------------------------------------------------------


def tally(help_text: str, **kwargs) -> serializers.DictField:
    """Counts by key (a state, a measure, a kind...)."""
    return serializers.DictField(child=serializers.IntegerField(), help_text=help_text, **kwargs)


# "from" is a keyword: the class is built from a dict of its fields, in this order.
PeriodOut = type("PeriodOut", (serializers.Serializer,), {
    "__module__": __name__,
    "__doc__": "The period's first and last day (ISO 8601 dates).",
    "from": serializers.CharField(),
    "to": serializers.CharField(),
})


class NoticeFiguresOut(serializers.Serializer):
    total = serializers.IntegerField()
    by_source = tally("Notices per source")
    by_channel = tally("Notices per channel")
    by_priority = tally("Notices per priority")
    by_kind = tally("Notices per kind of information disclosed (a notice may name several)")


class MeasureFiguresOut(serializers.Serializer):
    total = serializers.IntegerField()
    by_measure = tally("Decisions per measure")
    lifted_after_counter_notice = serializers.IntegerField()
    reversed_on_appeal = serializers.IntegerField()


class TimeToActOut(serializers.Serializer):
    handled = serializers.IntegerField()
    median_hours = serializers.FloatField(allow_null=True)
    p90_hours = serializers.FloatField(allow_null=True)
    within_deadline = serializers.IntegerField()
    judged_against_deadline = serializers.IntegerField()
    share_within_deadline = serializers.FloatField(allow_null=True)


class CounterNoticeFiguresOut(serializers.Serializer):
    total = serializers.IntegerField()
    by_outcome = tally("Counter-notices per state")


class AppealFiguresOut(serializers.Serializer):
    total = serializers.IntegerField()
    by_outcome = tally("Appeals per state")
    reversals = serializers.IntegerField()


class MisuseFiguresOut(serializers.Serializer):
    warnings = serializers.IntegerField()
    suspensions = serializers.IntegerField()


class ReferralFiguresOut(serializers.Serializer):
    total = serializers.IntegerField()
    by_authority = tally("Referrals per authority")


class TransparencyOut(serializers.Serializer):
    """The public figures of a period: every number counts events that happened in it."""

    period = PeriodOut()
    platform = serializers.CharField(allow_null=True, help_text=(
        "The platform whose figures these are (its slug), or null for the whole group. A platform's "
        "notices have an item on it; its measures, counter-notices and appeals are those of decisions "
        "with an action on one of its items; misuse figures are always the desk's."))
    notices = NoticeFiguresOut()
    measures = MeasureFiguresOut()
    time_to_act = TimeToActOut()
    breaches = serializers.IntegerField()
    counter_notices = CounterNoticeFiguresOut()
    appeals = AppealFiguresOut()
    misuse = MisuseFiguresOut()
    referrals = ReferralFiguresOut()


# --- Assessment --------------------------------------------------------------------------


class StaffFactsOut(serializers.Serializer):
    """The facts a moderator established; empty until one does (then every field is present)."""

    counts = tally("Pieces of information per kind", required=False)
    used_for_crime = serializers.BooleanField(required=False)
    grave_consequence = serializers.BooleanField(required=False)
    obtained_in_duty = serializers.BooleanField(required=False)
    shares = serializers.IntegerField(required=False)
    views = serializers.IntegerField(required=False)


# --- Statements of reasons ---------------------------------------------------------------


def text(help_text: str = "", **kwargs) -> serializers.CharField:
    return serializers.CharField(help_text=help_text, **kwargs)


def keys(help_text: str = "", **kwargs) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), help_text=help_text, **kwargs)


class DsaStatementOut(serializers.Serializer):
    """A statement of reasons in the DSA Transparency Database's format (``reports.dsa`` checks
    each against the database's rules before it is emitted). Which optional fields are present
    follows from the measure (visibility or account) and the ground (illegal or incompatible)."""

    decision_ground = text("DECISION_GROUND_ILLEGAL_CONTENT or DECISION_GROUND_INCOMPATIBLE_CONTENT")
    content_type = keys("CONTENT_TYPE_* keys")
    category = text("A STATEMENT_CATEGORY_* key")
    territorial_scope = keys("EU/EEA country codes")
    content_date = text("ISO 8601 date")
    application_date = text("ISO 8601 date")
    decision_facts = text()
    source_type = text("A SOURCE_TYPE_* key")
    automated_detection = text("Yes or No")
    automated_decision = text("An AUTOMATED_DECISION_* key")
    puid = text("The platform's unique identifier of the statement")
    decision_visibility = keys("DECISION_VISIBILITY_* keys: measures on the content", required=False)
    end_date_visibility_restriction = text("ISO 8601 date", required=False)
    decision_account = text("A DECISION_ACCOUNT_* key: measures on the account", required=False)
    account_type = text("An ACCOUNT_TYPE_* key", required=False)
    end_date_account_restriction = text("ISO 8601 date", required=False)
    illegal_content_legal_ground = text("For illegal content", required=False)
    illegal_content_explanation = text("For illegal content", required=False)
    incompatible_content_ground = text("For content incompatible with the terms", required=False)
    incompatible_content_explanation = text("For content incompatible with the terms", required=False)
    incompatible_content_illegal = text("Yes or No", required=False)
    category_addition = keys("Further STATEMENT_CATEGORY_* keys", required=False)
    category_specification = keys("KEYWORD_* keys")
