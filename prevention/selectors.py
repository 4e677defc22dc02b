"""Reads of the prevention app for pages and the API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from complaints.selectors import TrackingSection
from hostplatform.models import WebhookDelivery
from prevention import interventions as intervention_services
from prevention.models import Alert, Intervention
from prevention.vocabulary import RESTRICTION_LABELS

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def _limit(raw: Any) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return DEFAULT_LIMIT
    return max(1, min(value, MAX_LIMIT))


def alerts(*, state: str | None = None, limit: Any = None) -> list[Alert]:
    query = Alert.objects.all()
    if state in Alert.State.values:
        query = query.filter(state=state)
    return list(query.order_by("-raised_at", "-pk")[: _limit(limit)])


def interventions(*, state: str | None = None, limit: Any = None) -> list[Intervention]:
    query = Intervention.objects.select_related("complaint", "alert")
    if state in Intervention.State.values:
        query = query.filter(state=state)
    return list(query.order_by("-starts_at", "-pk")[: _limit(limit)])


def delivery_states(items: Sequence[Intervention]) -> dict[int, dict[str, str]]:
    """{intervention id: {"apply"|"lift": delivery state}} in one query."""
    ids = [i.pk for i in items]
    if not ids:
        return {}
    found: dict[int, dict[str, str]] = {}
    rows = WebhookDelivery.objects.filter(subject_type="intervention", subject_id__in=ids).values_list(
        "subject_id", "event", "state"
    )
    for subject_id, event, state in rows:
        found.setdefault(subject_id, {})[event.rsplit(".", 1)[-1]] = state
    return found


def protection_section(complaint, token: str) -> TrackingSection | None:
    """The tracking page's one-click protection section (None: not offered for this case)."""
    if not intervention_services.protection_allowed(complaint):
        return None
    active = intervention_services.active_protection(complaint)
    return TrackingSection(
        key="protection",
        template="prevention/_protection_panel.html",
        data={
            "active": active is not None,
            "until": active.expires_at if active is not None else None,
            "restriction_keys": list(intervention_services.PROTECTION_RESTRICTIONS),
            "restrictions": [str(RESTRICTION_LABELS[r]) for r in intervention_services.PROTECTION_RESTRICTIONS],
            "days": intervention_services.protection_days(),
        },
    )
