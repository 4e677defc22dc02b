"""The webhooks the desk sends to the host platform, as OpenAPI 3.1 ``webhooks``.

Listed in ``SPECTACULAR_SETTINGS["WEBHOOKS"]``, so ``/api/schema/`` documents every event
type, its payload and the Standard Webhooks headers a platform verifies. The payloads are
the ones ``webhook_enqueue`` is called with (moderation: measures and the poster's notice;
prevention: interventions); docs/MODERATION.md shows an example of each.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, extend_schema
from rest_framework import serializers

from moderation.models import Measure

# drf-spectacular leaves parameters out of webhooks; ``add_webhook_headers`` (a schema
# post-processing hook) puts these on every webhook operation.
HEADERS = [
    {
        "name": "webhook-id", "in": "header", "required": True,
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_:-]{1,120}$"},
        "description": "The message's id, the same on every retry: de-duplicate on it (idempotency key).",
    },
    {
        "name": "webhook-timestamp", "in": "header", "required": True, "schema": {"type": "integer"},
        "description": "Unix seconds of this attempt. Refuse it when more than 5 minutes from your clock.",
    },
    {
        "name": "webhook-signature", "in": "header", "required": True, "schema": {"type": "string"},
        "description": (
            "Space-separated `v1,<base64 HMAC-SHA256>` signatures of `{webhook-id}.{webhook-timestamp}.{body}`, "
            "one per active secret (two during a rotation). Verify with any Standard Webhooks library."
        ),
    },
]
RESPONSES = {
    200: OpenApiResponse(description="Accepted (any 2xx). The desk records the status and the start of the body."),
    410: OpenApiResponse(description="Gone: refused for good. 4xx other than 401, 408, 409, 425 and 429 are not retried."),
    503: OpenApiResponse(description="Any 5xx, 3xx, timeout or lost connection is retried with backoff."),
}


class ItemRef(serializers.Serializer):
    id = serializers.IntegerField(help_text="The item's id at the desk")
    url = serializers.CharField(help_text="The reported location (URL or platform content ID)")


class MeasureData(serializers.Serializer):
    case = serializers.CharField(help_text="Case reference, e.g. TD-2026-000123")
    decision_id = serializers.IntegerField()
    action_id = serializers.IntegerField(help_text="This item's action: report on it at `report_url`")
    report_url = serializers.URLField(
        help_text="`POST {\"outcome\": \"done\" | \"refused\", \"note\": ...}` here once the item is handled"
    )
    measure = serializers.ChoiceField(choices=[m for m in Measure.values if m not in ("no_action", "request_info")])
    item = ItemRef()
    territorial_scope = serializers.ListField(
        child=serializers.CharField(min_length=2, max_length=2),
        help_text="ISO 3166-1 alpha-2 codes where the measure applies; empty: everywhere",
    )
    end_date = serializers.DateField(allow_null=True, help_text="Last day of the measure; null: no end")


class NoticeData(serializers.Serializer):
    relationship = serializers.CharField()
    disclosed_info = serializers.ListField(child=serializers.CharField())
    explanation = serializers.CharField()
    received_at = serializers.DateTimeField()


class StatementData(serializers.Serializer):
    measure = serializers.CharField()
    item_ids = serializers.ListField(child=serializers.IntegerField())
    territorial_scope = serializers.ListField(child=serializers.CharField())
    end_date = serializers.DateField(allow_null=True)
    facts = serializers.CharField()
    ground_type = serializers.ChoiceField(choices=["legal", "terms"])
    legal_ground = serializers.CharField()
    explanation = serializers.CharField()
    automated_detection = serializers.BooleanField()
    automated_decision = serializers.BooleanField()
    redress = serializers.CharField()
    decided_at = serializers.DateTimeField()


class PosterNoticeData(serializers.Serializer):
    case = serializers.CharField()
    decision_id = serializers.IntegerField()
    items = ItemRef(many=True)
    notice = NoticeData(help_text="The notice without the complainant's name or contact details")
    statement_of_reasons = StatementData()
    counter_notice_url = serializers.URLField(allow_null=True, help_text="Null for an anonymous notice")
    appeal_url = serializers.URLField()


class InterventionData(serializers.Serializer):
    action = serializers.ChoiceField(choices=["apply", "lift"])
    intervention = serializers.IntegerField()
    kind = serializers.CharField(
        help_text="traffic_limit, interstitial, comment_lock, repost_lock, search_suppression or victim_protection"
    )
    target = serializers.CharField(help_text="The target key (a topic, a person's key, a content ID)")
    params = serializers.JSONField(help_text="Kind-specific: caps for traffic_limit, the message of an interstitial")
    starts_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    reason = serializers.CharField(required=False, help_text="Sent with apply only")
    case = serializers.CharField(required=False, help_text="The case reference, when the intervention comes from one")


EVENTS = {
    "measure.apply": (MeasureData, "Carry out a decided measure on one item, then report it done or refused."),
    "measure.lift": (MeasureData, "Lift a measure on one item (counter-notice, appeal, end date)."),
    "poster.notice": (PosterNoticeData, "Forward the notice and the statement of reasons to the poster."),
    "intervention.apply": (InterventionData, "Start an intervention (traffic limitation, interstitial, locks)."),
    "intervention.lift": (InterventionData, "End an intervention before or at its expiry."),
}


def _envelope(event: str, data: type[serializers.Serializer]) -> type[serializers.Serializer]:
    name = "".join(part.capitalize() for part in event.split(".")) + "Webhook"
    return type(name, (serializers.Serializer,), {
        "id": serializers.CharField(help_text="Equal to the webhook-id header"),
        "type": serializers.ChoiceField(choices=[event]),
        "timestamp": serializers.DateTimeField(help_text="When the event happened (not this attempt)"),
        "data": data(),
        "__doc__": f"The body of a {event} webhook (Standard Webhooks payload structure).",
    })


def _webhook(event: str) -> OpenApiWebhook:
    data, summary = EVENTS[event]
    return OpenApiWebhook(
        name=event,
        decorator=extend_schema(
            summary=summary,
            description=(
                f"`POST` to `HOST_PLATFORM_WEBHOOK_URL` with `Content-Type: application/json`. "
                f"The body's `type` is `{event}`; verify the signature on the raw body before parsing it."
            ),
            request=_envelope(event, data),
            responses=RESPONSES,
        ),
    )


measure_apply = _webhook("measure.apply")
measure_lift = _webhook("measure.lift")
poster_notice = _webhook("poster.notice")
intervention_apply = _webhook("intervention.apply")
intervention_lift = _webhook("intervention.lift")


def add_webhook_headers(result, generator, request, public):
    """Schema post-processing hook: the Standard Webhooks headers on each webhook operation."""
    for path_item in result.get("webhooks", {}).values():
        for operation in path_item.values():
            operation["parameters"] = [dict(header) for header in HEADERS]
    return result
