"""Legal holds: freezing cases, and refusing every change to them while held.

- ``guard_mutation(target, actor=, action=)`` is connected to
  ``complaints.hooks.case_change``, which every service that changes or deletes
  something belonging to a case calls first. It raises ``Conflict`` (code
  ``legal_hold``) while the case is held and records the refused attempt.
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
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.records import sha256_hex, stable_json
from audit.services import insert_event
from complaints.models import Complaint
from preservation import events
from preservation.models import LegalHold, LegalRequest
from preservation.records import case_manifest
from preservation.retention import schedule_retention
from preservation.selectors import complaint_id_of, is_held, live_holds
from takedown.exceptions import Conflict, ErrorCode, InvalidInput

logger = logging.getLogger(__name__)

_pending = threading.local()


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
        events.change_refused_row(
            actor=actor, complaint_id=complaint_id, action=action, hold_ids=hold_ids,
            object_type=target_type, object_id=target_id, at=timezone.now(),
        )
    )
    raise Conflict(
        _("This case is under a legal hold: it cannot be changed or deleted until the hold is released."),
        code=ErrorCode.LEGAL_HOLD,
    )


def _record_refusal(row: dict[str, Any]) -> None:
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
        raise InvalidInput(_("A hold needs at least one case."), fields={"cases": [_("Name at least one case.")]})
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("A hold needs a reason."), fields={"reason": [_("This field is required.")]})
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
        events.hold_placed(actor=actor, hold=hold, cases=locked, digest=digest, legal_request=legal_request)
    return hold


def release_hold(hold: LegalHold, *, actor: str) -> LegalHold:
    """Lift a hold. Cases still held by another hold stay frozen."""
    now = timezone.now()
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at is not None:
            raise Conflict(_("This hold has already been released."), code=ErrorCode.ALREADY_RELEASED)
        hold.released_at = now
        hold.released_by = actor
        hold.save(update_fields=["released_at", "released_by"])
        complaints = list(hold.complaints.order_by("pk"))
        events.hold_released(actor=actor, hold=hold, cases=complaints)
        for c in complaints:
            if c.status == Complaint.Status.CLOSED and not is_held(c):
                # Retention was extended while held: the clock restarts at release.
                schedule_retention(c, closed_at=now)
    return hold


def hold_for_counter_notice_proof(*, counter, complaint, kind: str, actor: str) -> LegalHold:
    """``moderation.hooks.counter_notice_proved``: the measure stays in force under a hold."""
    return place_hold(
        complaints=[complaint],
        reason=f"Counter-notice {counter.pk}: the complainant proved a {kind.replace('_', ' ')}.",
        actor=actor,
    )
