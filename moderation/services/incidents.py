"""Incidents: many notices about one victim or one leak, decided together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actors
from complaints.models import Complaint
from moderation import events, hooks
from moderation.models import Incident, IncidentCase
from moderation.services.common import is_senior, require_reviewer
from moderation.services.decisions import DecisionInput, check_statement, decision_create
from takedown.exceptions import Conflict, Forbidden, InvalidInput, NotFound


def incident_create(*, user, title: str, kind: str, complaints: Sequence[Complaint], note: str = "",
                    now: datetime | None = None) -> Incident:
    require_reviewer(user)
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = ["Name the incident."]
    if kind not in Incident.Kind.values:
        errors["kind"] = [f"One of: {', '.join(Incident.Kind.values)}."]
    if errors:
        raise InvalidInput(_("The incident is incomplete."), fields=errors)
    now = now or timezone.now()
    with transaction.atomic():
        incident = Incident.objects.create(title=title[:200], kind=kind, note=note, created_by=user, created_at=now)
        events.incident_created(user=user, incident=incident)
        for complaint in complaints:
            _incident_add(incident, complaint, user, now)
        hooks.incident_changed(incident, actor=actors.for_user(user))
    return incident


def _incident_add(incident: Incident, complaint: Complaint, user, now: datetime) -> None:
    _membership, created = IncidentCase.objects.get_or_create(incident=incident, complaint=complaint,
                                                              defaults={"added_at": now})
    if created:
        events.incident_case_added(user=user, incident=incident, complaint=complaint)


def incident_add_cases(*, incident: Incident, user, complaints: Sequence[Complaint]) -> Incident:
    require_reviewer(user)
    now = timezone.now()
    with transaction.atomic():
        for complaint in complaints:
            _incident_add(incident, complaint, user, now)
        hooks.incident_changed(incident, actor=actors.for_user(user))
    return incident


@dataclass(frozen=True)
class BulkResult:
    reference: str
    ok: bool
    decision_id: int | None = None
    error_code: str = ""
    message: str = ""


def incident_decide(*, incident: Incident, user, data: DecisionInput) -> list[BulkResult]:
    """One statement of reasons applied to every open case of the incident; a result per case.

    Each case is decided in its own transaction: a case that cannot be decided (held,
    claimed by someone else, already decided) is reported and the others go on.
    """
    if not is_senior(user):
        raise Forbidden(_("Bulk decisions are taken by senior moderators."))
    check_statement(data)
    results: list[BulkResult] = []
    for complaint in incident.complaints.order_by("pk"):
        per_case = DecisionInput(**{**data.__dict__, "item_ids": None, "expected_version": None})
        try:
            decision = decision_create(complaint=complaint, user=user, data=per_case, incident=incident)
        except (Conflict, Forbidden, InvalidInput, NotFound) as exc:
            results.append(BulkResult(complaint.reference, False, error_code=exc.code, message=exc.message))
        else:
            results.append(BulkResult(complaint.reference, True, decision_id=decision.pk))
    with transaction.atomic():
        events.incident_bulk_decided(user=user, incident=incident, measure=data.measure, results=results)
    return results
