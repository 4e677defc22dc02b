"""Audit events of the moderator workspace: one factory per event type.

The complainant sees the types with a ``public_label`` on the tracking page (without
who acted); everything else is for staff and investigators.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from audit import actors
from audit.events import EventType
from audit.models import AuditEvent

VIEWED = EventType("complaint.viewed")
EVIDENCE_OPENED = EventType("complaint.evidence_opened")
CLAIMED = EventType("case.claimed", public_label=_("A moderator started reviewing your report"))
CLAIM_RENEWED = EventType("case.claim_renewed")
RELEASED = EventType("case.released")
CLAIM_EXPIRED = EventType("case.claim_expired")
DECIDED = EventType("decision.made", public_label=_("Decision taken"))
INFO_REQUESTED = EventType("decision.info_requested", public_label=_("We asked you for more information"))
ITEM_ACTION = EventType("decision.item_action")
ITEM_ACTION_REPORTED = EventType("decision.item_action_reported",
                                 public_label=_("The platform reported what it did with an item"))
MEASURE_LIFTED = EventType("decision.measure_lifted")
MEASURE_ENDED = EventType("decision.measure_ended")
POSTER_NOTIFIED = EventType("poster.notified")
COUNTER_NOTICE_RECEIVED = EventType("counter_notice.received")
COUNTER_NOTICE_FORWARDED = EventType(
    "counter_notice.forwarded", public_label=_("The poster objected (counter-notice)")
)
COUNTER_NOTICE_PROOF = EventType(
    "counter_notice.proof_received", public_label=_("Your proof was received: the case is preserved")
)
COUNTER_NOTICE_LIFTED = EventType(
    "counter_notice.measure_lifted", public_label=_("Measure lifted after the waiting period")
)
COUNTER_NOTICE_KEPT = EventType(
    "counter_notice.measure_kept", public_label=_("Measure kept: the content is unlawful in itself")
)
APPEAL_FILED = EventType("appeal.filed", public_label=_("Appeal received"))
APPEAL_UPHELD = EventType("appeal.upheld", public_label=_("Appeal decided: decision upheld"))
APPEAL_REVERSED = EventType("appeal.reversed", public_label=_("Appeal decided: decision reversed"))
INCIDENT_CREATED = EventType("incident.created")
INCIDENT_CASE_ADDED = EventType("incident.case_added")
INCIDENT_BULK_DECIDED = EventType("incident.bulk_decided")
MISUSE_WARNED = EventType("misuse.warned")
MISUSE_SUSPENDED = EventType("misuse.suspended")
MISUSE_SUSPENSION_ENDED = EventType("misuse.suspension_ended")
STAFF_CREATED = EventType("staff.created")
TOKEN_CREATED = EventType("api_token.created")
LOGIN = EventType("staff.login")
LOGIN_LOCKED = EventType("staff.login_locked")
CONVERSATION_VIEWED = EventType("case.conversation_viewed")
EVIDENCE_VIEW_SET = EventType("staff.evidence_view_set")


# --- Viewing and claims ---------------------------------------------------------------------


def case_viewed(*, user, complaint, what: str) -> AuditEvent:
    """A staff member saw a complainant's personal data (``what``: case, evidence:<id>:...)."""
    event = VIEWED if what == "case" else EVIDENCE_OPENED
    return event.record(actor=actors.for_user(user), target=complaint,
                        details={"reference": complaint.reference, "what": what})


def conversation_viewed(*, user, complaint, shown: int, unread: int) -> AuditEvent:
    """A staff member saw the conversation with the complainant (their messages are personal data)."""
    return CONVERSATION_VIEWED.record(actor=actors.for_user(user), target=complaint,
                                      details={"reference": complaint.reference, "shown": shown, "unread": unread})


def evidence_view_set(*, user, clear: bool) -> AuditEvent:
    return EVIDENCE_VIEW_SET.record(actor=actors.for_user(user), target=user, details={"clear": clear})


def case_claimed(*, user, complaint, claim) -> AuditEvent:
    return CLAIMED.record(
        actor=actors.for_user(user), target=complaint,
        details={"reference": complaint.reference, "claim_id": claim.pk, "expires_at": claim.expires_at.isoformat()},
    )


def claim_renewed(*, user, complaint, claim) -> AuditEvent:
    return CLAIM_RENEWED.record(actor=actors.for_user(user), target=complaint,
                                details={"claim_id": claim.pk, "expires_at": claim.expires_at.isoformat()})


def claim_ended(*, actor: str, claim, expired: bool) -> AuditEvent:
    """A claim released by a moderator, or expired without renewal."""
    return (CLAIM_EXPIRED if expired else RELEASED).record(
        actor=actor, target=("complaint", claim.complaint_id),
        details={"claim_id": claim.pk, "moderator": actors.user_id(claim.moderator_id)},
    )


# --- Decisions and their effects ------------------------------------------------------------


def decided(*, user, complaint, decision, previous_status: str, statement: dict[str, Any]) -> AuditEvent:
    event = INFO_REQUESTED if decision.measure == "request_info" else DECIDED
    return event.record(
        actor=actors.for_user(user), target=complaint,
        details={"reference": complaint.reference, "decision_id": decision.pk, "previous_status": previous_status,
                 "status": complaint.status, **statement},
    )


def item_action_changed(*, action, state: str) -> AuditEvent:
    return ITEM_ACTION.record(
        actor=actors.SYSTEM, target=("complaint", action.decision.complaint_id),
        details={"decision_id": action.decision_id, "item_id": action.item_id, "kind": action.kind, "state": state},
    )


def item_action_reported(*, actor: str, action) -> AuditEvent:
    return ITEM_ACTION_REPORTED.record(
        actor=actor, target=("complaint", action.decision.complaint_id),
        details={"action_id": action.pk, "decision_id": action.decision_id, "item_id": action.item_id,
                 "kind": action.kind, "state": action.state, "note": action.platform_note},
    )


def measure_lifted(*, actor: str, decision, state: str, reason: str, why: str) -> AuditEvent:
    """A restrictive measure taken back: ``why`` is appeal, end_date or counter_notice."""
    event = {"appeal": MEASURE_LIFTED, "end_date": MEASURE_ENDED, "counter_notice": COUNTER_NOTICE_LIFTED}[why]
    return event.record(
        actor=actor, target=decision.complaint,
        details={"decision_id": decision.pk, "measure": decision.measure, "state": state, "reason": reason},
    )


def poster_notified(*, complaint, decision, counter_notice_allowed: bool) -> AuditEvent:
    return POSTER_NOTIFIED.record(actor=actors.SYSTEM, target=complaint,
                                  details={"decision_id": decision.pk, "counter_notice_allowed": counter_notice_allowed})


# --- Counter-notices ------------------------------------------------------------------------


def counter_notice_received(*, counter, decision) -> AuditEvent:
    return COUNTER_NOTICE_RECEIVED.record(
        actor=actors.POSTER, target=decision.complaint,
        details={"decision_id": decision.pk, "counter_notice_id": counter.pk,
                 "id_number_given": bool(counter.poster_id_number)},
    )


def counter_notice_forwarded(*, counter, complaint, wait_days: int) -> AuditEvent:
    return COUNTER_NOTICE_FORWARDED.record(
        actor=actors.SYSTEM, target=complaint,
        details={"counter_notice_id": counter.pk, "wait_days": wait_days,
                 "wait_ends_at": counter.wait_ends_at.isoformat(), "by_email": bool(complaint.complainant_email)},
    )


def counter_notice_proof(*, actor: str, counter, complaint, kind: str) -> AuditEvent:
    return COUNTER_NOTICE_PROOF.record(actor=actor, target=complaint,
                                       details={"counter_notice_id": counter.pk, "kind": kind})


def counter_notice_kept(*, counter, complaint, decision, unlawful: Sequence[str]) -> AuditEvent:
    return COUNTER_NOTICE_KEPT.record(
        actor=actors.SYSTEM, target=complaint,
        details={"counter_notice_id": counter.pk, "decision_id": decision.pk, "unlawful_in_itself": list(unlawful),
                 "victim_is_minor": complaint.victim_is_minor},
    )


# --- Appeals --------------------------------------------------------------------------------


def appeal_filed(*, appeal, complaint) -> AuditEvent:
    actor = actors.COMPLAINANT if appeal.side == "complainant" else actors.POSTER
    return APPEAL_FILED.record(actor=actor, target=complaint,
                               details={"appeal_id": appeal.pk, "decision_id": appeal.decision_id, "side": appeal.side})


def appeal_decided(*, user, appeal, complaint, original, replacement) -> AuditEvent:
    event = APPEAL_REVERSED if appeal.state == "reversed" else APPEAL_UPHELD
    return event.record(
        actor=actors.for_user(user), target=complaint,
        details={"appeal_id": appeal.pk, "decision_id": original.pk, "side": appeal.side,
                 "new_decision_id": replacement.pk if replacement else None, "reasons": appeal.reasons},
    )


# --- Incidents ------------------------------------------------------------------------------


def incident_created(*, user, incident) -> AuditEvent:
    return INCIDENT_CREATED.record(actor=actors.for_user(user), target=incident,
                                   details={"title": incident.title, "kind": incident.kind})


def incident_case_added(*, user, incident, complaint) -> AuditEvent:
    return INCIDENT_CASE_ADDED.record(actor=actors.for_user(user), target=complaint,
                                      details={"incident_id": incident.pk, "reference": complaint.reference})


def incident_bulk_decided(*, user, incident, measure: str, results: Sequence) -> AuditEvent:
    return INCIDENT_BULK_DECIDED.record(
        actor=actors.for_user(user), target=incident,
        details={"measure": measure,
                 "results": [{"reference": r.reference, "ok": r.ok, "decision_id": r.decision_id, "error": r.error_code}
                             for r in results]},
    )


# --- Misuse ---------------------------------------------------------------------------------


def misuse_warned(*, user, standing, figures: dict[str, Any], reason: str) -> AuditEvent:
    return MISUSE_WARNED.record(actor=actors.for_user(user), target=standing,
                                details={"submitter_key": standing.submitter_key, "figures": figures, "reason": reason})


def misuse_suspended(*, user, standing, figures: dict[str, Any], days: int, reason: str) -> AuditEvent:
    return MISUSE_SUSPENDED.record(
        actor=actors.for_user(user), target=standing,
        details={"submitter_key": standing.submitter_key, "figures": figures, "days": days,
                 "until": standing.suspended_until.isoformat(), "reason": reason},
    )


def misuse_suspension_ended(*, standing) -> AuditEvent:
    return MISUSE_SUSPENSION_ENDED.record(actor=actors.SYSTEM, target=standing,
                                          details={"submitter_key": standing.submitter_key})


# --- Accounts -------------------------------------------------------------------------------


def client_digest(ip: str) -> str:
    """A short keyless digest of the client's address: enough to tell clients apart in the log."""
    return hashlib.sha256(ip.encode()).hexdigest()[:16]


def staff_created(*, actor: str, user, role: str, reset: bool) -> AuditEvent:
    return STAFF_CREATED.record(actor=actor, target=("user", user.pk),
                                details={"username": user.get_username(), "role": role, "reset": reset})


def api_token_created(*, actor: str, user, role: str) -> AuditEvent:
    return TOKEN_CREATED.record(actor=actor, target=("user", user.pk),
                                details={"username": user.get_username(), "role": role or None})


def staff_login(*, user, ip: str) -> AuditEvent:
    return LOGIN.record(actor=actors.for_user(user), target=("user", user.pk), details={"client": client_digest(ip)})


def login_locked(*, user_id: int, username: str, failures: int, lock_seconds: int, ip: str,
                 scope: str = "account_at_client") -> AuditEvent:
    """``scope``: ``account_at_client`` (this account from this client) or ``client``
    (this client, whatever the account)."""
    return LOGIN_LOCKED.record(
        actor=actors.SYSTEM, target=("user", user_id),
        details={"username": username[:150], "failures": failures, "lock_seconds": lock_seconds,
                 "client": client_digest(ip), "scope": scope},
    )
