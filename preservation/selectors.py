"""Reads of preservation: which holds are live on a case."""

from __future__ import annotations

from typing import Any

from complaints.models import Complaint
from preservation.models import LegalHold


def complaint_id_of(target: Any) -> int | None:
    """The complaint a target belongs to: a Complaint, a ``("complaint", id)`` pair, or
    any object with ``complaint_id`` (items, evidence, messages, moderation cases) or
    with a ``case`` that has one."""
    if isinstance(target, Complaint):
        return target.pk
    if isinstance(target, tuple) and len(target) == 2 and target[0] == "complaint":
        return int(target[1])
    complaint_id = getattr(target, "complaint_id", None)
    if complaint_id is not None:
        return int(complaint_id)
    case = getattr(target, "case", None)
    if case is not None and getattr(case, "complaint_id", None) is not None:
        return int(case.complaint_id)
    return None


def live_holds(complaint_id: int):
    return LegalHold.objects.filter(released_at__isnull=True, complaints=complaint_id)


def is_held(complaint: Complaint | int) -> bool:
    complaint_id = complaint if isinstance(complaint, int) else complaint.pk
    return live_holds(complaint_id).exists()
