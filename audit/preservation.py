"""Preservation: legal holds, what investigators may see, and retention.

Other apps call three things from here:

- ``guard_mutation(target, actor=, action=)`` at the start of every service that
  changes or deletes something belonging to a case. It raises ``Conflict``
  (code ``legal_hold``) while the case is held and records the refused attempt.
- ``investigator_can_see(user, complaint)`` before showing a case to an investigator.
- ``place_hold`` / ``release_hold``.

Why the refused attempt survives the caller's rollback
------------------------------------------------------
The caller is usually inside the transaction of the change it wanted to make, and
that transaction rolls back when ``Conflict`` propagates, taking any event written in
it along. So the refusal is written outside it:

- outside any transaction: written at once, in its own transaction;
- on PostgreSQL inside a transaction: written on a second, short-lived connection in
  autocommit mode, so it commits independently of the caller (it touches only the
  audit tables, which never take row locks that the caller holds);
- on SQLite inside a transaction: the caller's IMMEDIATE transaction holds the one
  write lock, so a second connection would wait for it forever. The refusal is kept
  in memory and written as soon as the request or task finishes (``request_finished``
  and Celery's ``task_postrun`` call ``flush_refusals``), or by the next
  ``flush_refusals()`` call outside a transaction.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone

from audit.models import LegalHold, LegalRequest
from audit.records import case_manifest, sha256_hex, stable_json
from audit.services import audit_record, insert_event
from complaints.models import Complaint
from takedown import roles
from takedown.exceptions import Conflict, InvalidInput

logger = logging.getLogger(__name__)

RETENTION_EXPIRY = "retention_expiry"
REFUSED_CODE = "hold.change_refused"

_pending = threading.local()


# -- scope ---------------------------------------------------------------------------


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


# -- refusing changes ------------------------------------------------------------------


def _target_label(target: Any) -> tuple[str, str]:
    if isinstance(target, models.Model):
        return target._meta.model_name, str(target.pk)
    if isinstance(target, tuple) and len(target) == 2:
        return str(target[0]), str(target[1])
    return type(target).__name__.lower(), str(getattr(target, "pk", ""))


def guard_mutation(target: Any, *, actor: str, action: str) -> None:
    """Refuse ``action`` on ``target`` while its case is under a live legal hold.

    Call at the start of the service, before writing anything. Raises ``Conflict``
    (code ``legal_hold``, HTTP 409) and records a ``hold.change_refused`` event that
    survives the caller's rollback (see the module docstring for how).
    """
    complaint_id = complaint_id_of(target)
    if complaint_id is None:
        return
    hold_ids = list(live_holds(complaint_id).values_list("pk", flat=True)[:5])
    if not hold_ids:
        return
    target_type, target_id = _target_label(target)
    _record_refusal(
        actor=actor,
        complaint_id=complaint_id,
        details={
            "action": str(action),
            "holds": hold_ids,
            "object_type": target_type,
            "object_id": target_id,
        },
    )
    raise Conflict(
        "This case is under a legal hold: it cannot be changed or deleted until the hold is released.",
        code="legal_hold",
    )


def _record_refusal(*, actor: str, complaint_id: int, details: dict[str, Any]) -> None:
    row = {
        "created_at": timezone.now(),
        "actor": actor,
        "code": REFUSED_CODE,
        "target_type": "complaint",
        "target_id": str(complaint_id),
        "details": details,
    }
    if not connection.in_atomic_block:
        _write_refusals([row])
    elif connection.vendor == "postgresql":
        _write_on_side_connection(row)
    else:
        # Remember how deep the caller's transaction was: the row may be written once
        # the connection is back above that depth, i.e. the caller's block has ended.
        _queue().append((len(connection.atomic_blocks), row))


def _queue() -> list[tuple[int, dict[str, Any]]]:
    if not hasattr(_pending, "rows"):
        _pending.rows = []
    return _pending.rows


def _write_refusals(rows: list[dict[str, Any]]) -> None:
    with transaction.atomic():
        for row in rows:
            insert_event(row)


def _write_on_side_connection(row: dict[str, Any]) -> None:
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        side.set_autocommit(True)
        insert_event(row, connection=side)
    except Exception:
        # Losing the refusal record must not turn a refused change into a 500; the
        # change itself is still refused by the exception our caller receives.
        logger.exception("could not record a refused change on a held case")
    finally:
        side.close()


def flush_refusals(**_signal_kwargs: Any) -> int:
    """Write refusals queued inside a transaction (SQLite) whose transaction has ended.

    Safe to call any time: refusals queued deeper than the current transaction are
    written now, the others wait."""
    queued = getattr(_pending, "rows", None)
    if not queued:
        return 0
    depth = len(connection.atomic_blocks)
    rows = [row for queued_depth, row in queued if queued_depth > depth]
    if not rows:
        return 0
    _pending.rows = [(d, row) for d, row in queued if d <= depth]
    try:
        _write_refusals(rows)
    except Exception:
        logger.exception("could not record %d refused change(s) on held cases", len(rows))
        return 0
    return len(rows)


# -- holds -----------------------------------------------------------------------------


def _manifest(complaints: list[Complaint], at: datetime) -> tuple[dict[str, Any], str]:
    manifest = {
        "created_at": at.isoformat(),
        "cases": [case_manifest(c) for c in complaints],
    }
    return manifest, sha256_hex(stable_json(manifest))


def place_hold(
    *,
    complaints: list[Complaint],
    reason: str,
    actor: str,
    legal_request: LegalRequest | None = None,
) -> LegalHold:
    """Freeze cases: hash everything in scope, store the manifest, refuse changes.

    Retention timers of the cases stay pending; their handler skips a held case and
    ``release_hold`` schedules them again.
    """
    complaints = sorted({c.pk: c for c in complaints}.values(), key=lambda c: c.pk)
    if not complaints:
        raise InvalidInput("A hold needs at least one case.", fields={"cases": ["Name at least one case."]})
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("A hold needs a reason.", fields={"reason": ["This field is required."]})
    now = timezone.now()
    with transaction.atomic():
        # Lock the cases so no change commits between hashing and holding them.
        locked = list(Complaint.objects.select_for_update().filter(pk__in=[c.pk for c in complaints]).order_by("pk"))
        manifest, digest = _manifest(locked, now)
        hold = LegalHold.objects.create(
            reason=reason,
            legal_request=legal_request,
            placed_by=actor,
            placed_at=now,
            manifest=manifest,
            manifest_sha256=digest,
        )
        hold.complaints.set(locked)
        references = [c.reference for c in locked]
        audit_record(
            actor=actor,
            code="hold.placed",
            target=hold,
            details={
                "cases": references,
                "manifest_sha256": digest,
                "legal_request": legal_request.pk if legal_request else None,
            },
        )
        for c in locked:
            audit_record(
                actor=actor, code="case.hold_placed", target=c, details={"hold": hold.pk, "manifest_sha256": digest}
            )
    return hold


def release_hold(hold: LegalHold, *, actor: str) -> LegalHold:
    """Lift a hold. Cases still held by another hold stay frozen."""
    now = timezone.now()
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at is not None:
            raise Conflict("This hold has already been released.", code="already_released")
        hold.released_at = now
        hold.released_by = actor
        hold.save(update_fields=["released_at", "released_by"])
        complaints = list(hold.complaints.order_by("pk"))
        audit_record(
            actor=actor, code="hold.released", target=hold, details={"cases": [c.reference for c in complaints]}
        )
        for c in complaints:
            audit_record(actor=actor, code="case.hold_released", target=c, details={"hold": hold.pk})
            if c.status == Complaint.Status.CLOSED and not is_held(c):
                # Retention was extended while held: the clock restarts at release.
                schedule_retention(c, closed_at=now)
    return hold


# -- investigators ---------------------------------------------------------------------


def live_requests_for(user, *, at: datetime | None = None):
    at = at or timezone.now()
    return LegalRequest.objects.filter(investigators=user, revoked_at__isnull=True, expires_at__gt=at)


def investigator_can_see(user, complaint: Complaint | int) -> bool:
    """True only for an investigator named on a live, unexpired request covering the case."""
    if not roles.has_role(user, roles.INVESTIGATOR):
        return False
    complaint_id = complaint if isinstance(complaint, int) else complaint.pk
    return live_requests_for(user).filter(complaints=complaint_id).exists()


# -- retention -------------------------------------------------------------------------


def retention_period() -> timedelta:
    # Never less than six months, whatever the setting says.
    days = int(getattr(settings, "AUDIT_RETENTION_DAYS", 183))
    return timedelta(days=max(days, 183))


def schedule_retention(complaint: Complaint, *, closed_at: datetime | None = None):
    """Schedule the removal of a closed case's personal data. Call in the closing
    transaction (idempotent: one pending timer per case)."""
    from deadlines import timers
    from deadlines.models import Timer

    due = (closed_at or timezone.now()) + retention_period()
    pending = Timer.objects.filter(
        kind=RETENTION_EXPIRY, target_type="complaint", target_id=complaint.pk, state=Timer.State.PENDING
    )
    if pending.exists():
        pending.filter(due_at__lt=due).update(due_at=due)
        return pending.first()
    return timers.schedule(RETENTION_EXPIRY, complaint, due)


def schedule_missing_retention() -> int:
    """Give every closed case without a retention timer one (a safety net run nightly
    for cases closed by code that did not call ``schedule_retention``)."""
    from deadlines.models import Timer

    scheduled = Timer.objects.filter(kind=RETENTION_EXPIRY, target_type="complaint").values("target_id")
    missing = Complaint.objects.filter(status=Complaint.Status.CLOSED).exclude(pk__in=scheduled)
    count = 0
    for complaint in missing.iterator(chunk_size=500):
        with transaction.atomic():
            schedule_retention(complaint, closed_at=complaint.updated_at)
            count += 1
    return count


PERSONAL_FIELDS = (
    "complainant_name",
    "complainant_email",
    "complainant_phone",
    "complainant_id_number",
    "victim_name",
    "explanation",
    "evidence_excerpt",
    "receipt_token",
)


_ERASERS: list[Callable[[Complaint], dict[str, int]]] = []


def register_personal_data_eraser(fn: Callable[[Complaint], dict[str, int]]) -> None:
    """Let an app erase its own personal data about a case when the case's retention
    ends (e.g. a poster's identity in a counter-notice). ``fn(complaint)`` runs inside
    the erasure's transaction and returns counts for the audit event. Call from
    ``AppConfig.ready()``."""
    if fn not in _ERASERS:
        _ERASERS.append(fn)


def erase_personal_data(complaint: Complaint, *, actor: str) -> dict[str, int]:
    """Remove a case's personal data; keep what the log and statistics need.

    Names, contacts, the ID number, free text and evidence files go; the evidence rows
    stay with their SHA-256, so the audit log (which never held personal data) still
    verifies and an export made before still matches. Call inside a transaction.
    """
    guard_mutation(complaint, actor=actor, action="erase_personal_data")
    for name in PERSONAL_FIELDS:
        setattr(complaint, name, "")
    complaint.save(
        update_fields=[*PERSONAL_FIELDS, "victim_name_digest", "complainant_contact_digest", "updated_at"]
    )
    files = 0
    for evidence in complaint.evidence.all():
        for field in (evidence.original, evidence.display):
            if field:
                name = field.name
                transaction.on_commit(lambda storage=field.storage, name=name: storage.delete(name))
                files += 1
        evidence.original = ""
        evidence.display = ""
        evidence.original_name = ""
        evidence.save(update_fields=["original", "display", "original_name"])
    messages = complaint.messages.exclude(body="").update(body="")
    counts = {"files": files, "messages": messages}
    for eraser in _ERASERS:
        counts.update(eraser(complaint))
    audit_record(actor=actor, code="case.personal_data_erased", target=complaint, details=counts)
    return counts
