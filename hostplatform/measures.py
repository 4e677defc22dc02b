"""Decisions carried to the host platform: what the moderator decided becomes webhooks.

Connected to ``moderation.hooks`` (see ``hostplatform.extensions``): each runs inside
the decision's transaction, so the outbox rows commit with the decision. The platform
answers per item, and ``item_delivery_finished`` mirrors each answer on the item's action.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from complaints import privacy
from complaints.models import ComplaintItem
from hostplatform import platforms
from hostplatform.models import WebhookDelivery
from hostplatform.services import webhook_enqueue
from moderation import services as moderation
from moderation.models import Decision, ItemAction, PosterNotice

WEBHOOK_APPLY = "measure.apply"
WEBHOOK_LIFT = "measure.lift"
WEBHOOK_POSTER_NOTICE = "poster.notice"

_EVENT_OF_KIND = {ItemAction.Kind.APPLY: WEBHOOK_APPLY, ItemAction.Kind.LIFT: WEBHOOK_LIFT}


def _send_item_actions(decision: Decision, items: Sequence[ComplaintItem], kind: str) -> None:
    """One webhook per item, to the platform the item is on, so each platform receives only
    its own items and its answer for each is tracked apart. An item on a site outside the
    group gets no webhook: its action says so."""
    actions = {a.item_id: a for a in ItemAction.objects.filter(decision=decision, kind=kind)}
    routes = platforms.routes_of(items)
    reference = decision.complaint.reference
    for item in items:
        platform = routes[item.pk].platform
        if platform is None:
            moderation.item_action_record(action_id=actions[item.pk].pk, state=ItemAction.State.OUTSIDE)
            continue
        webhook_enqueue(
            event=_EVENT_OF_KIND[kind],
            payload={
                "case": reference,
                "decision_id": decision.pk,
                "action_id": actions[item.pk].pk,
                "report_url": f"{settings.PUBLIC_BASE_URL}/api/v1/platforms/{platform.slug}/actions/{actions[item.pk].pk}",
                "measure": decision.measure,
                "item": {"id": item.pk, "url": item.url},
                "territorial_scope": list(decision.territorial_scope),
                "end_date": decision.end_date.isoformat() if decision.end_date else None,
            },
            idempotency_key=f"decision-{decision.pk}-{kind}-item-{item.pk}",
            subject=actions[item.pk],
            platform=platform,
        )


def measure_taken(decision: Decision, items: Sequence[ComplaintItem], *, actor: str) -> None:
    """``moderation.hooks.measure_taken``: ask the platform to apply the measure on each item."""
    _send_item_actions(decision, items, ItemAction.Kind.APPLY)


def measure_lifted(decision: Decision, items: Sequence[ComplaintItem], *, actor: str, reason: str) -> None:
    """``moderation.hooks.measure_lifted``: ask the platform to lift it on each item."""
    _send_item_actions(decision, items, ItemAction.Kind.LIFT)


def poster_notified(decision: Decision, notice: PosterNotice, token: str, items: Sequence[ComplaintItem]) -> None:
    """``moderation.hooks.poster_notified``: forward the notice to the poster through each
    platform the items are on (each with only its own items), without the complainant's
    contact details (name, e-mail, phone, ID number)."""
    complaint = decision.complaint
    # The complainant's words are forwarded without their (or the victim's) personal data.
    explanation, redactions = privacy.redact(complaint.explanation, complaint)
    common = {
        "case": complaint.reference,
        "decision_id": decision.pk,
        "notice": {
            "relationship": complaint.relationship,
            "disclosed_info": list(complaint.disclosed_info),
            "explanation": explanation,
            "redactions": redactions,
            "received_at": complaint.received_at.isoformat(),
        },
        "statement_of_reasons": moderation.statement_of_reasons(decision),
        "counter_notice_url": f"{settings.PUBLIC_BASE_URL}/counter-notice/{token}/"
        if notice.counter_notice_allowed else None,
        "appeal_url": f"{settings.PUBLIC_BASE_URL}/counter-notice/{token}/#appeal",
    }
    routes = platforms.routes_of(items)
    by_platform: dict[int, tuple] = {}
    for item in items:
        platform = routes[item.pk].platform
        if platform is not None:
            by_platform.setdefault(platform.pk, (platform, []))[1].append(item)
    for platform, own in by_platform.values():
        key = f"decision-{decision.pk}-poster-notice"
        webhook_enqueue(
            event=WEBHOOK_POSTER_NOTICE,
            payload={**common, "items": [{"id": i.pk, "url": i.url} for i in own]},
            idempotency_key=key if platform.is_default else f"{key}-{platform.slug}",
            subject=decision,
            platform=platform,
        )


_STATE_OF_DELIVERY = {
    WebhookDelivery.State.DONE: ItemAction.State.DONE,
    WebhookDelivery.State.FAILED: ItemAction.State.FAILED,
    WebhookDelivery.State.ESCALATED: ItemAction.State.ESCALATED,
}


def item_delivery_finished(delivery: WebhookDelivery) -> None:
    """``hostplatform.hooks.delivery_finished`` for measures: mirror the answer on the item's action."""
    state = _STATE_OF_DELIVERY.get(delivery.state)
    if delivery.subject_type == "itemaction" and state is not None:
        moderation.item_action_record(action_id=delivery.subject_id, state=state)
