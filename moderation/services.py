"""Writes of the moderator workspace: one function per state change.

Each function owns its transaction, writes its audit event inside it and queues its
side effects (webhooks, e-mail) to run after commit. Views, the API and timers call
these and nothing else changes moderation rows.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from audit import preservation
from audit.services import COMPLAINANT, SYSTEM, actor_for, audit_record
from complaints.models import Complaint, ComplaintItem
from complaints.services import complaint_add_message
from deadlines import clock, timers
from hostplatform.models import WebhookDelivery
from hostplatform.services import register_delivery_callback, webhook_enqueue
from moderation.models import (
    RESTRICTIVE_MEASURES,
    Appeal,
    Claim,
    CounterNotice,
    Decision,
    Incident,
    IncidentCase,
    ItemAction,
    Measure,
    MisuseStep,
    PosterNotice,
    SubmitterStanding,
)
from reports.assessments import assess_incident
from takedown import countries, roles
from takedown.exceptions import Conflict, Forbidden, InvalidInput, NotFound


class Events:
    """Audit event codes written by this module."""

    VIEWED = "complaint.viewed"
    EVIDENCE_OPENED = "complaint.evidence_opened"
    CLAIMED = "case.claimed"
    CLAIM_RENEWED = "case.claim_renewed"
    RELEASED = "case.released"
    CLAIM_EXPIRED = "case.claim_expired"
    DECIDED = "decision.made"
    INFO_REQUESTED = "decision.info_requested"
    ITEM_ACTION = "decision.item_action"
    MEASURE_LIFTED = "decision.measure_lifted"
    MEASURE_ENDED = "decision.measure_ended"
    POSTER_NOTIFIED = "poster.notified"
    COUNTER_NOTICE_RECEIVED = "counter_notice.received"
    COUNTER_NOTICE_FORWARDED = "counter_notice.forwarded"
    COUNTER_NOTICE_PROOF = "counter_notice.proof_received"
    COUNTER_NOTICE_LIFTED = "counter_notice.measure_lifted"
    COUNTER_NOTICE_KEPT = "counter_notice.measure_kept"
    APPEAL_FILED = "appeal.filed"
    APPEAL_UPHELD = "appeal.upheld"
    APPEAL_REVERSED = "appeal.reversed"
    INCIDENT_CREATED = "incident.created"
    INCIDENT_CASE_ADDED = "incident.case_added"
    INCIDENT_BULK_DECIDED = "incident.bulk_decided"
    MISUSE_WARNED = "misuse.warned"
    MISUSE_SUSPENDED = "misuse.suspended"
    MISUSE_SUSPENSION_ENDED = "misuse.suspension_ended"
    MISUSE_REFUSED = "misuse.notice_refused"


CLAIM_EXPIRY = "claim_expiry"
COUNTER_NOTICE_WAIT = "counter_notice_wait"
MEASURE_END = "measure_end"
MISUSE_SUSPENSION_END = "misuse_suspension_end"

WEBHOOK_APPLY = "measure.apply"
WEBHOOK_LIFT = "measure.lift"
WEBHOOK_POSTER_NOTICE = "poster.notice"

REVIEWERS = (roles.MODERATOR, roles.SENIOR_MODERATOR, roles.ADMIN)
SENIORS = (roles.SENIOR_MODERATOR, roles.ADMIN)

# Kinds of information whose publication is unlawful whatever the poster says: a
# counter-notice cannot lift a measure on them (SPEC section 3, "e.g. an ID number").
UNLAWFUL_IN_ITSELF = frozenset({"id_number", "financial_account", "biometric", "health"})

# Stored on the decision as written (it is part of the record); shown to each side in
# their own language by the ``redress`` template filter.
DEFAULT_REDRESS = gettext_noop(
    "You may appeal this decision free of charge within the appeal window through your private link; "
    "the poster may send a counter-notice; either side may also go to court or to the competent authority."
)


# --- Shared checks ---------------------------------------------------------------------------


def case_version(complaint: Complaint) -> str:
    """The version a moderator saw: any change to the case moves it on."""
    return complaint.updated_at.isoformat()


def _lock_case(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("policy").get(pk=complaint.pk)


def _require_reviewer(user) -> None:
    if not roles.has_role(user, *REVIEWERS):
        raise Forbidden("Only moderators may do this.")


def is_senior(user) -> bool:
    return roles.has_role(user, *SENIORS)


def _token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)  # 256 bits
    return token, hashlib.sha256(token.encode()).hexdigest()


def _hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def active_claim(complaint: Complaint) -> Claim | None:
    return Claim.objects.select_related("moderator").filter(complaint=complaint, state=Claim.State.ACTIVE).first()


def claim_minutes(complaint: Complaint) -> int:
    return int(complaint.policy.claim_minutes or 30)


# --- Viewing ----------------------------------------------------------------------------------


def case_viewed(*, complaint: Complaint, user, what: str = "case") -> None:
    """Record that a staff member saw a complainant's personal data (``what``: case, evidence:<id>)."""
    with transaction.atomic():
        audit_record(
            actor=actor_for(user),
            code=Events.VIEWED if what == "case" else Events.EVIDENCE_OPENED,
            target=complaint,
            details={"reference": complaint.reference, "what": what},
        )


# --- Claims ------------------------------------------------------------------------------------


def claim_take(*, complaint: Complaint, user, now: datetime | None = None) -> Claim:
    """Claim a case for review. The holder renews by claiming again; anyone else gets 409."""
    _require_reviewer(user)
    now = now or timezone.now()
    actor = actor_for(user)
    preservation.guard_mutation(complaint, actor=actor, action="claim")
    with transaction.atomic():
        locked = _lock_case(complaint)
        if not locked.is_open:
            raise Conflict("This case is already decided.", code="not_open")
        current = Claim.objects.select_for_update().filter(complaint=locked, state=Claim.State.ACTIVE).first()
        expires = now + timedelta(minutes=claim_minutes(locked))
        if current is not None and current.expires_at <= now:
            _end_claim(current, Claim.State.EXPIRED, now, actor=SYSTEM)
            current = None
        if current is not None:
            if current.moderator_id != user.pk:
                raise Conflict(
                    f"{current.moderator.get_username()} is reviewing this case.",
                    code="claimed_by_other",
                    fields={"claimed_by": current.moderator.get_username(), "expires_at": current.expires_at.isoformat()},
                )
            current.expires_at = expires
            current.save(update_fields=["expires_at"])
            timers.schedule(CLAIM_EXPIRY, current, expires)
            audit_record(actor=actor, code=Events.CLAIM_RENEWED, target=locked,
                         details={"claim_id": current.pk, "expires_at": expires.isoformat()})
            return current
        try:
            with transaction.atomic():
                claim = Claim.objects.create(complaint=locked, moderator=user, claimed_at=now, expires_at=expires)
        except IntegrityError:
            raise Conflict("Another moderator claimed this case a moment ago.", code="claimed_by_other") from None
        if locked.status == Complaint.Status.RECEIVED:
            locked.status = Complaint.Status.IN_REVIEW
            locked.save(update_fields=["status", "updated_at"])
        timers.schedule(CLAIM_EXPIRY, claim, expires)
        audit_record(actor=actor, code=Events.CLAIMED, target=locked,
                     details={"reference": locked.reference, "claim_id": claim.pk, "expires_at": expires.isoformat()})
    return claim


def _end_claim(claim: Claim, state: str, now: datetime, *, actor: str) -> None:
    """End a claim. Call while holding the case's row lock."""
    claim.state = state
    claim.ended_at = now
    claim.save(update_fields=["state", "ended_at"])
    timers.cancel(CLAIM_EXPIRY, claim)
    if state != Claim.State.DECIDED:
        audit_record(
            actor=actor,
            code=Events.RELEASED if state == Claim.State.RELEASED else Events.CLAIM_EXPIRED,
            target=("complaint", claim.complaint_id),
            details={"claim_id": claim.pk, "moderator": f"user:{claim.moderator_id}"},
        )


def claim_release(*, complaint: Complaint, user, now: datetime | None = None) -> None:
    """Give a case back to the queue. Only the holder (or a senior) may.

    Not refused under a legal hold: a claim is who is working on the case, not part of
    the preserved record, and a held case must stay releasable.
    """
    _require_reviewer(user)
    now = now or timezone.now()
    with transaction.atomic():
        _lock_case(complaint)
        current = Claim.objects.select_for_update().filter(complaint=complaint, state=Claim.State.ACTIVE).first()
        if current is None:
            raise Conflict("This case is not claimed.", code="not_claimed")
        if current.moderator_id != user.pk and not is_senior(user):
            raise Forbidden("Only the moderator holding the case, or a senior moderator, may release it.")
        _end_claim(current, Claim.State.RELEASED, now, actor=actor_for(user))


def claim_expire(claim_id: int, now: datetime | None = None) -> str:
    """The claim's time ran out without renewal. Call inside the sweep's transaction."""
    now = now or timezone.now()
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None or claim.state != Claim.State.ACTIVE:
        return "skipped:ended"
    if claim.expires_at > now:
        return "skipped:renewed"
    _end_claim(claim, Claim.State.EXPIRED, now, actor=SYSTEM)
    return "expired"


# --- Decisions -------------------------------------------------------------------------------


@dataclass
class DecisionInput:
    measure: str
    facts: str = ""
    legal_ground: str = ""
    explanation: str = ""
    ground_type: str = Decision.GroundType.LEGAL
    item_ids: list[int] | None = None
    territorial_scope: list[str] = field(default_factory=list)
    end_date: date | None = None
    automated_detection: bool = False
    automated_decision: bool = False
    redress: str = ""
    manifestly_unfounded: bool = False
    expected_version: str | None = None


def _check_statement(data: DecisionInput) -> None:
    """A statement of reasons must name facts and grounds (DSA Art. 17(3))."""
    errors: dict[str, list[str]] = {}
    if data.measure not in Measure.values:
        errors["measure"] = [f"Choose one of: {', '.join(Measure.values)}."]
    if data.measure != Measure.REQUEST_INFO:
        if not data.facts.strip():
            errors["facts"] = ["State the facts and circumstances the decision relies on."]
        if not data.legal_ground.strip():
            errors["legal_ground"] = ["State the legal or terms-of-service ground."]
    if not data.explanation.strip():
        errors["explanation"] = ["Explain the decision (for request_info: what the complainant must add)."]
    if data.ground_type not in Decision.GroundType.values:
        errors["ground_type"] = ["Choose legal or terms."]
    if data.manifestly_unfounded and data.measure != Measure.NO_ACTION:
        errors["manifestly_unfounded"] = ["Only a no_action decision can find a notice manifestly unfounded."]
    if data.end_date and data.end_date <= timezone.now().date():
        errors["end_date"] = ["The end date must be in the future."]
    scope_errors = countries.scope_errors(data.territorial_scope)
    if scope_errors:
        errors["territorial_scope"] = scope_errors
    if errors:
        raise InvalidInput("The statement of reasons is incomplete.", fields=errors)


def submitter_key_for(complaint: Complaint) -> str:
    """Who stands behind a notice, for the misuse policy; '' when nobody can be told apart."""
    if complaint.submitter_id:
        return f"user:{complaint.submitter_id}"
    # The keyed digest of the e-mail address (else phone): never the contact in clear.
    # A notice not yet saved (the intake's before_submit check) has it computed here.
    digest = complaint.complainant_contact_digest or Complaint._meta.get_field(
        "complainant_contact_digest"
    ).compute(complaint)
    return f"contact:{digest}" if digest else ""


def decision_create(
    *,
    complaint: Complaint,
    user,
    data: DecisionInput,
    incident: Incident | None = None,
    replaces: Decision | None = None,
    via_appeal: bool = False,
    now: datetime | None = None,
) -> Decision:
    """Decide a case: store the statement of reasons and carry the measure out.

    Only the moderator holding the claim, or a senior, may decide; a decision based on
    an older version of the case than the current one is refused (409), as is a
    decision on a case that is no longer open.
    """
    _require_reviewer(user)
    _check_statement(data)
    now = now or timezone.now()
    actor = actor_for(user)
    preservation.guard_mutation(complaint, actor=actor, action="decide")
    with transaction.atomic():
        locked = _lock_case(complaint)
        if not via_appeal:
            if not locked.is_open:
                raise Conflict("This case was already decided.", code="already_decided")
            if data.expected_version and data.expected_version != case_version(locked):
                raise Conflict(
                    "The case changed since you opened it; reload it and decide again.",
                    code="stale_version",
                    fields={"expected_version": data.expected_version, "current_version": case_version(locked)},
                )
            claim = Claim.objects.select_for_update().filter(complaint=locked, state=Claim.State.ACTIVE).first()
            if claim is not None and claim.expires_at <= now:
                _end_claim(claim, Claim.State.EXPIRED, now, actor=SYSTEM)
                claim = None
            if claim is None and not is_senior(user):
                raise Conflict("Claim the case before deciding it.", code="not_claimed")
            if claim is not None and claim.moderator_id != user.pk and not is_senior(user):
                raise Forbidden("Only the moderator holding the case, or a senior moderator, may decide it.")
        else:
            claim = None
        all_items = list(ComplaintItem.objects.filter(complaint=locked).order_by("position"))
        if data.item_ids:
            chosen = [i for i in all_items if i.pk in set(data.item_ids)]
            unknown = sorted(set(data.item_ids) - {i.pk for i in chosen})
            if unknown:
                raise InvalidInput("Some items are not part of this case.", fields={"item_ids": [f"Unknown: {unknown}"]})
        else:
            chosen = all_items
        decision = Decision.objects.create(
            complaint=locked,
            measure=data.measure,
            item_ids=[i.pk for i in chosen],
            territorial_scope=countries.normalise(data.territorial_scope)[0],
            end_date=data.end_date,
            facts=data.facts.strip(),
            ground_type=data.ground_type,
            legal_ground=data.legal_ground.strip(),
            explanation=data.explanation.strip(),
            automated_detection=data.automated_detection,
            automated_decision=data.automated_decision,
            redress=data.redress.strip() or DEFAULT_REDRESS,
            manifestly_unfounded=data.manifestly_unfounded,
            submitter_key=submitter_key_for(locked),
            decided_by=user,
            decided_at=now,
            based_on_version=data.expected_version or case_version(locked),
            incident=incident,
            replaces=replaces,
        )
        if claim is not None:
            _end_claim(claim, Claim.State.DECIDED, now, actor=actor)
        previous_status = locked.status
        if data.measure == Measure.REQUEST_INFO:
            locked.status = Complaint.Status.WAITING_COMPLAINANT
            locked.save(update_fields=["status", "updated_at"])
            clock.pause(locked, now=now, actor=actor)
        else:
            locked.status = Complaint.Status.DECIDED
            locked.save(update_fields=["status", "updated_at"])
            clock.stop(locked)  # the response was given: its reminders and breach are void
        audit_record(
            actor=actor,
            code=Events.INFO_REQUESTED if data.measure == Measure.REQUEST_INFO else Events.DECIDED,
            target=locked,
            details={
                "reference": locked.reference,
                "decision_id": decision.pk,
                "previous_status": previous_status,
                "status": locked.status,
                **statement_of_reasons(decision),
            },
        )
        if data.measure == Measure.REQUEST_INFO:
            # The complainant reads the question on the tracking page and by e-mail.
            complaint_add_message(complaint=locked, body=decision.explanation, staff_user=user, now=now)
        if decision.is_restrictive:
            _send_item_actions(decision, chosen, ItemAction.Kind.APPLY, now)
            _notify_poster(decision, locked, chosen, now)
            if decision.end_date:
                end_at = datetime.combine(decision.end_date, datetime.min.time(), tzinfo=timezone.get_current_timezone())
                timers.schedule(MEASURE_END, decision, end_at)
        if data.measure in (Measure.REMOVE, Measure.DISABLE):
            from prevention.staydown import record_removed_values

            record_removed_values(decision, actor=actor)
        _queue_complainant_email(decision)
    return decision


def statement_of_reasons(decision: Decision) -> dict[str, Any]:
    """The statement of reasons as stored and answered (no personal data)."""
    return {
        "measure": decision.measure,
        "item_ids": list(decision.item_ids),
        "territorial_scope": list(decision.territorial_scope),
        "end_date": decision.end_date.isoformat() if decision.end_date else None,
        "facts": decision.facts,
        "ground_type": decision.ground_type,
        "legal_ground": decision.legal_ground,
        "explanation": decision.explanation,
        "automated_detection": decision.automated_detection,
        "automated_decision": decision.automated_decision,
        "redress": decision.redress,
        "decided_at": decision.decided_at.isoformat(),
    }


def _send_item_actions(decision: Decision, items: Sequence[ComplaintItem], kind: str, now: datetime) -> None:
    """One webhook per item, so the platform's answer for each item is tracked apart."""
    event = WEBHOOK_APPLY if kind == ItemAction.Kind.APPLY else WEBHOOK_LIFT
    reference = decision.complaint.reference
    for item in items:
        action, _created = ItemAction.objects.get_or_create(
            decision=decision, item=item, kind=kind, defaults={"updated_at": now}
        )
        delivery = webhook_enqueue(
            event=event,
            payload={
                "case": reference,
                "decision_id": decision.pk,
                "measure": decision.measure,
                "item": {"id": item.pk, "url": item.url},
                "territorial_scope": list(decision.territorial_scope),
                "end_date": decision.end_date.isoformat() if decision.end_date else None,
            },
            idempotency_key=f"decision-{decision.pk}-{kind}-item-{item.pk}",
            subject=action,
        )
        if action.delivery_id != delivery.pk:
            action.delivery = delivery
            action.save(update_fields=["delivery"])


def _notify_poster(decision: Decision, complaint: Complaint, items: Sequence[ComplaintItem], now: datetime) -> str:
    """Forward the notice to the poster through the platform, without the complainant's contact data.

    Returns the poster's private token (only its hash is kept).
    """
    token, digest = _token()
    allowed = not complaint.is_anonymous
    PosterNotice.objects.create(decision=decision, token_hash=digest, counter_notice_allowed=allowed, created_at=now)
    payload = {
        "case": complaint.reference,
        "decision_id": decision.pk,
        "items": [{"id": i.pk, "url": i.url} for i in items],
        "notice": {
            # Contact details (name, e-mail, phone, ID number) are deliberately left out.
            "relationship": complaint.relationship,
            "disclosed_info": list(complaint.disclosed_info),
            "explanation": complaint.explanation,
            "received_at": complaint.received_at.isoformat(),
        },
        "statement_of_reasons": statement_of_reasons(decision),
        "counter_notice_url": f"{settings.PUBLIC_BASE_URL}/counter-notice/{token}/" if allowed else None,
        "appeal_url": f"{settings.PUBLIC_BASE_URL}/counter-notice/{token}/#appeal",
    }
    webhook_enqueue(
        event=WEBHOOK_POSTER_NOTICE,
        payload=payload,
        idempotency_key=f"decision-{decision.pk}-poster-notice",
        subject=decision,
    )
    audit_record(
        actor=SYSTEM,
        code=Events.POSTER_NOTIFIED,
        target=complaint,
        details={"decision_id": decision.pk, "counter_notice_allowed": allowed},
    )
    return token


def _queue_complainant_email(decision: Decision) -> None:
    from moderation import tasks
    from takedown.tasks import enqueue

    if decision.complaint.complainant_email:
        enqueue(tasks.send_decision_email, decision.pk, fallback_inline=True)


def _item_action_delivered(delivery: WebhookDelivery) -> None:
    """Delivery callback: the platform answered for one item; mirror it on the item's action."""
    action = ItemAction.objects.select_for_update().filter(pk=delivery.subject_id).first()
    if action is None or delivery.subject_type != "itemaction":
        return
    state = {
        WebhookDelivery.State.DONE: ItemAction.State.DONE,
        WebhookDelivery.State.FAILED: ItemAction.State.FAILED,
        WebhookDelivery.State.ESCALATED: ItemAction.State.ESCALATED,
    }.get(delivery.state)
    if state is None or action.state == state:
        return
    action.state = state
    action.updated_at = timezone.now()
    action.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=SYSTEM,
        code=Events.ITEM_ACTION,
        target=("complaint", action.decision.complaint_id),
        details={"decision_id": action.decision_id, "item_id": action.item_id, "kind": action.kind, "state": state},
    )


register_delivery_callback(WEBHOOK_APPLY, _item_action_delivered)
register_delivery_callback(WEBHOOK_LIFT, _item_action_delivered)


def _lift(decision: Decision, *, state: str, actor: str, now: datetime, code: str, reason: str) -> None:
    """Take a restrictive measure back on every item it applied to. Call holding the case lock."""
    decision.state = state
    decision.state_changed_at = now
    decision.save(update_fields=["state", "state_changed_at"])
    timers.cancel(MEASURE_END, decision)
    if decision.is_restrictive:
        items = list(ComplaintItem.objects.filter(pk__in=decision.item_ids))
        _send_item_actions(decision, items, ItemAction.Kind.LIFT, now)
        if decision.measure in (Measure.REMOVE, Measure.DISABLE):
            from prevention.staydown import release_removed_values

            release_removed_values(decision, actor=actor, reason=reason)
    audit_record(
        actor=actor,
        code=code,
        target=decision.complaint,
        details={"decision_id": decision.pk, "measure": decision.measure, "state": state, "reason": reason},
    )


def measure_end(decision_id: int, now: datetime | None = None) -> str:
    """A measure with an end date reached it. Call inside the sweep's transaction."""
    now = now or timezone.now()
    decision = Decision.objects.select_for_update().select_related("complaint").filter(pk=decision_id).first()
    if decision is None or decision.state != Decision.State.IN_FORCE:
        return "skipped:not_in_force"
    _lift(decision, state=Decision.State.EXPIRED, actor=SYSTEM, now=now, code=Events.MEASURE_ENDED,
          reason="end date reached")
    return "lifted"


# --- Counter-notices ------------------------------------------------------------------------


def poster_notice_by_token(token: str) -> PosterNotice | None:
    if not token or len(token) > 100:
        return None
    return PosterNotice.objects.select_related("decision__complaint__policy").filter(token_hash=_hash(token)).first()


@dataclass
class CounterNoticeInput:
    token: str
    name: str = ""
    email: str = ""
    phone: str = ""
    id_number: str = ""
    statement: str = ""
    evidence: str = ""


def counter_notice_submit(*, data: CounterNoticeInput, now: datetime | None = None) -> CounterNotice:
    """The poster objects. Valid only with a true identity and preliminary evidence."""
    notice = poster_notice_by_token(data.token)
    if notice is None:
        raise NotFound("This counter-notice link is not valid.")
    if not notice.counter_notice_allowed:
        raise Forbidden("Anonymous notices do not start the counter-notice process.", code="not_available")
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = ["Your full legal name is required."]
    if not (data.email.strip() or data.phone.strip()):
        errors["contact"] = ["An e-mail address or phone number is required."]
    if not data.statement.strip():
        errors["statement"] = ["Explain why the content does not infringe."]
    if not data.evidence.strip():
        errors["evidence"] = ["Give preliminary evidence that there was no infringement."]
    if errors:
        raise InvalidInput("The counter-notice is incomplete.", fields=errors)
    now = now or timezone.now()
    decision = notice.decision
    preservation.guard_mutation(decision.complaint, actor="poster", action="counter_notice")
    with transaction.atomic():
        _lock_case(decision.complaint)
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.state != Decision.State.IN_FORCE or not decision.is_restrictive:
            raise Conflict("The measure is no longer in force.", code="not_in_force")
        try:
            with transaction.atomic():
                counter = CounterNotice.objects.create(
                    decision=decision,
                    poster_name=data.name.strip(),
                    poster_email=data.email.strip(),
                    poster_phone=data.phone.strip(),
                    poster_id_number=data.id_number.strip(),
                    statement=data.statement.strip(),
                    evidence=data.evidence.strip(),
                    received_at=now,
                )
        except IntegrityError:
            raise Conflict("A counter-notice on this decision is already being handled.", code="duplicate") from None
        audit_record(
            actor="poster",
            code=Events.COUNTER_NOTICE_RECEIVED,
            target=decision.complaint,
            details={"decision_id": decision.pk, "counter_notice_id": counter.pk,
                     "id_number_given": bool(counter.poster_id_number)},
        )
        from moderation import tasks
        from takedown.tasks import enqueue

        enqueue(tasks.forward_counter_notice, counter.pk, fallback_inline=True)
    return counter


def counter_notice_forward(counter_id: int, now: datetime | None = None) -> CounterNotice | None:
    """The counter-notice reached the complainant: the waiting period starts now.

    Reaching means the e-mail was handed to the mail server (or, for a complainant
    without e-mail, the counter-notice was put on the tracking page).
    """
    from moderation.notify import send_counter_notice_email

    with transaction.atomic():
        counter = CounterNotice.objects.select_for_update().select_related("decision__complaint__policy").filter(
            pk=counter_id).first()
        if counter is None or counter.state != CounterNotice.State.FORWARDING:
            return counter
        complaint = counter.decision.complaint
        send_counter_notice_email(counter)
        now = now or timezone.now()
        wait_days = complaint.policy.counter_notice_wait_days
        counter.forwarded_at = now
        counter.wait_ends_at = now + timedelta(days=wait_days)
        counter.state = CounterNotice.State.WAITING
        counter.save(update_fields=["forwarded_at", "wait_ends_at", "state"])
        timers.schedule(COUNTER_NOTICE_WAIT, counter, counter.wait_ends_at)
        audit_record(
            actor=SYSTEM,
            code=Events.COUNTER_NOTICE_FORWARDED,
            target=complaint,
            details={"counter_notice_id": counter.pk, "wait_days": wait_days,
                     "wait_ends_at": counter.wait_ends_at.isoformat(), "by_email": bool(complaint.complainant_email)},
        )
    return counter


PROOF_KINDS = ("authority_complaint", "lawsuit")


def counter_notice_proof(*, counter: CounterNotice, kind: str, note: str, actor: str,
                         now: datetime | None = None) -> CounterNotice:
    """The complainant proved a complaint to an authority or a lawsuit: hold the case."""
    if kind not in PROOF_KINDS:
        raise InvalidInput("Say whether you complained to an authority or went to court.",
                           fields={"kind": [f"One of: {', '.join(PROOF_KINDS)}."]})
    if not note.strip():
        raise InvalidInput("Describe the proof (authority, case or receipt number).", fields={"note": ["Required."]})
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _lock_case(counter.decision.complaint)
        counter = CounterNotice.objects.select_for_update().get(pk=counter.pk)
        if counter.state not in (CounterNotice.State.WAITING, CounterNotice.State.FORWARDING):
            raise Conflict("The waiting period is over.", code="not_waiting")
        counter.state = CounterNotice.State.HELD
        counter.proof_received_at = now
        counter.proof_kind = kind
        counter.proof_note = note.strip()
        counter.resolved_at = now
        counter.save()
        timers.cancel(COUNTER_NOTICE_WAIT, counter)
        audit_record(
            actor=actor,
            code=Events.COUNTER_NOTICE_PROOF,
            target=complaint,
            details={"counter_notice_id": counter.pk, "kind": kind},
        )
    # The hold is its own change with its own record; the measure stays in force under it.
    preservation.place_hold(
        complaints=[complaint],
        reason=f"Counter-notice {counter.pk}: the complainant proved a {kind.replace('_', ' ')}.",
        actor=actor,
    )
    return counter


def counter_notice_wait_ended(counter_id: int, now: datetime | None = None) -> str:
    """The waiting period ran out without proof. Call inside the sweep's transaction."""
    now = now or timezone.now()
    found = CounterNotice.objects.select_related("decision__complaint").filter(pk=counter_id).first()
    if found is None:
        return "skipped:gone"
    # Lock in the order every other writer uses: the case, then the counter-notice.
    complaint = _lock_case(found.decision.complaint)
    counter = CounterNotice.objects.select_for_update().get(pk=counter_id)
    if counter.state != CounterNotice.State.WAITING:
        return "skipped:not_waiting"
    if counter.wait_ends_at and counter.wait_ends_at > now:
        return "skipped:not_due"
    decision = Decision.objects.select_for_update().select_related("complaint").get(pk=counter.decision_id)
    counter.resolved_at = now
    if decision.state != Decision.State.IN_FORCE:
        counter.state = CounterNotice.State.WITHDRAWN
        counter.save(update_fields=["state", "resolved_at"])
        return "skipped:decision_changed"
    unlawful = sorted(UNLAWFUL_IN_ITSELF.intersection(complaint.disclosed_info))
    if unlawful or complaint.victim_is_minor:
        counter.state = CounterNotice.State.KEPT_UNLAWFUL
        counter.save(update_fields=["state", "resolved_at"])
        audit_record(
            actor=SYSTEM,
            code=Events.COUNTER_NOTICE_KEPT,
            target=complaint,
            details={"counter_notice_id": counter.pk, "decision_id": decision.pk,
                     "unlawful_in_itself": unlawful, "victim_is_minor": complaint.victim_is_minor},
        )
        return "kept"
    counter.state = CounterNotice.State.LIFTED
    counter.save(update_fields=["state", "resolved_at"])
    _lift(decision, state=Decision.State.LIFTED, actor=SYSTEM, now=now, code=Events.COUNTER_NOTICE_LIFTED,
          reason=f"no proof of a complaint or lawsuit within the waiting period (counter-notice {counter.pk})")
    return "lifted"


# --- Appeals --------------------------------------------------------------------------------


def appeal_file(*, token: str, grounds: str, decision_id: int | None = None, now: datetime | None = None) -> Appeal:
    """Either side appeals, through its private link, within the appeal window."""
    from complaints.services import complaint_by_token

    grounds = (grounds or "").strip()
    if not grounds:
        raise InvalidInput("Say why the decision should change.", fields={"grounds": ["Required."]})
    if len(grounds) > 10_000:
        raise InvalidInput("Grounds are limited to 10,000 characters.", fields={"grounds": ["Too long."]})
    now = now or timezone.now()
    complaint = complaint_by_token(token)
    if complaint is not None:
        side = Appeal.Side.COMPLAINANT
        decisions = Decision.objects.filter(complaint=complaint).exclude(measure=Measure.REQUEST_INFO)
        if decision_id:
            decisions = decisions.filter(pk=decision_id)
        decision = decisions.order_by("-decided_at", "-pk").first()
    else:
        notice = poster_notice_by_token(token)
        if notice is None:
            raise NotFound("This link is not valid.")
        side = Appeal.Side.POSTER
        decision = notice.decision
        complaint = decision.complaint
    if decision is None:
        raise Conflict("There is no decision to appeal yet.", code="no_decision")
    window = timedelta(days=complaint.policy.appeal_window_days)
    if now > decision.decided_at + window:
        raise Conflict("The time to appeal this decision has passed.", code="appeal_window_closed")
    actor = COMPLAINANT if side == Appeal.Side.COMPLAINANT else "poster"
    with transaction.atomic():
        _lock_case(complaint)
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(decision=decision, side=side, grounds=grounds, filed_at=now)
        except IntegrityError:
            raise Conflict("Your appeal against this decision is already being reviewed.", code="duplicate") from None
        audit_record(actor=actor, code=Events.APPEAL_FILED, target=complaint,
                     details={"appeal_id": appeal.pk, "decision_id": decision.pk, "side": side})
    return appeal


def appeal_decide(
    *, appeal: Appeal, user, outcome: str, reasons: str, new_decision: DecisionInput | None = None,
    now: datetime | None = None,
) -> Appeal:
    """A moderator who did not take the decision decides the appeal; a reversal acts at once.

    Reversing a restrictive measure lifts it. Reversing a decision that took no action
    (or the wrong one) needs ``new_decision``: the measure that should have been taken,
    carried out now.
    """
    _require_reviewer(user)
    if outcome not in (Appeal.State.UPHELD, Appeal.State.REVERSED):
        raise InvalidInput("Uphold or reverse.", fields={"outcome": ["One of: upheld, reversed."]})
    if not (reasons or "").strip():
        raise InvalidInput("Give the reasons for the outcome.", fields={"reasons": ["Required."]})
    now = now or timezone.now()
    actor = actor_for(user)
    original = appeal.decision
    if original.decided_by_id == user.pk:
        raise Forbidden("A different moderator must decide an appeal against your own decision.",
                        code="same_moderator")
    needs_new = outcome == Appeal.State.REVERSED and not original.is_restrictive
    if needs_new and (new_decision is None or new_decision.measure not in RESTRICTIVE_MEASURES):
        raise InvalidInput("Reversing this decision needs the measure that should be taken.",
                           fields={"new_decision": ["Give a restrictive measure with its statement of reasons."]})
    preservation.guard_mutation(original.complaint, actor=actor, action="decide_appeal")
    with transaction.atomic():
        complaint = _lock_case(original.complaint)
        appeal = Appeal.objects.select_for_update().select_related("decision").get(pk=appeal.pk)
        if appeal.state != Appeal.State.OPEN:
            raise Conflict("This appeal was already decided.", code="already_decided")
        original = Decision.objects.select_for_update().get(pk=appeal.decision_id)
        appeal.state = outcome
        appeal.decided_by = user
        appeal.decided_at = now
        appeal.reasons = reasons.strip()
        replacement = None
        if outcome == Appeal.State.REVERSED:
            if original.is_restrictive and original.state == Decision.State.IN_FORCE and new_decision is None:
                _lift(original, state=Decision.State.REVERSED, actor=actor, now=now, code=Events.MEASURE_LIFTED,
                      reason=f"reversed on appeal {appeal.pk}")
            else:
                original.state = Decision.State.REVERSED
                original.state_changed_at = now
                original.save(update_fields=["state", "state_changed_at"])
            if new_decision is not None:
                replacement = decision_create(complaint=complaint, user=user, data=new_decision,
                                              replaces=original, via_appeal=True, now=now)
                appeal.new_decision = replacement
        appeal.save()
        audit_record(
            actor=actor,
            code=Events.APPEAL_REVERSED if outcome == Appeal.State.REVERSED else Events.APPEAL_UPHELD,
            target=complaint,
            details={"appeal_id": appeal.pk, "decision_id": original.pk, "side": appeal.side,
                     "new_decision_id": replacement.pk if replacement else None, "reasons": appeal.reasons},
        )
    return appeal


# --- Incidents ------------------------------------------------------------------------------


def incident_create(*, user, title: str, kind: str, complaints: Sequence[Complaint], note: str = "",
                    now: datetime | None = None) -> Incident:
    _require_reviewer(user)
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = ["Name the incident."]
    if kind not in Incident.Kind.values:
        errors["kind"] = [f"One of: {', '.join(Incident.Kind.values)}."]
    if errors:
        raise InvalidInput("The incident is incomplete.", fields=errors)
    now = now or timezone.now()
    with transaction.atomic():
        incident = Incident.objects.create(title=title[:200], kind=kind, note=note, created_by=user, created_at=now)
        audit_record(actor=actor_for(user), code=Events.INCIDENT_CREATED, target=incident,
                     details={"title": incident.title, "kind": kind})
        for complaint in complaints:
            _incident_add(incident, complaint, user, now)
        assess_incident(incident, actor=actor_for(user))  # serious circumstances over all its cases
    return incident


def _incident_add(incident: Incident, complaint: Complaint, user, now: datetime) -> None:
    _membership, created = IncidentCase.objects.get_or_create(incident=incident, complaint=complaint,
                                                              defaults={"added_at": now})
    if created:
        audit_record(actor=actor_for(user), code=Events.INCIDENT_CASE_ADDED, target=complaint,
                     details={"incident_id": incident.pk, "reference": complaint.reference})


def incident_add_cases(*, incident: Incident, user, complaints: Sequence[Complaint]) -> Incident:
    _require_reviewer(user)
    now = timezone.now()
    with transaction.atomic():
        for complaint in complaints:
            _incident_add(incident, complaint, user, now)
        assess_incident(incident, actor=actor_for(user))  # serious circumstances over all its cases
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
        raise Forbidden("Bulk decisions are taken by senior moderators.")
    _check_statement(data)
    results: list[BulkResult] = []
    members = list(incident.complaints.order_by("pk"))
    for complaint in members:
        per_case = DecisionInput(**{**data.__dict__, "item_ids": None, "expected_version": None})
        try:
            decision = decision_create(complaint=complaint, user=user, data=per_case, incident=incident)
        except (Conflict, Forbidden, InvalidInput, NotFound) as exc:
            results.append(BulkResult(complaint.reference, False, error_code=exc.code, message=exc.message))
        else:
            results.append(BulkResult(complaint.reference, True, decision_id=decision.pk))
    with transaction.atomic():
        audit_record(
            actor=actor_for(user),
            code=Events.INCIDENT_BULK_DECIDED,
            target=incident,
            details={"measure": data.measure,
                     "results": [{"reference": r.reference, "ok": r.ok, "decision_id": r.decision_id,
                                  "error": r.error_code} for r in results]},
        )
    return results


# --- Misuse (DSA Art. 23) -------------------------------------------------------------------

MISUSE_LOOKBACK_DAYS = 365


def misuse_figures(submitter_key: str, now: datetime | None = None) -> dict[str, Any]:
    """Counts behind a misuse step: decided notices, manifestly unfounded ones, their share."""
    now = now or timezone.now()
    since = now - timedelta(days=MISUSE_LOOKBACK_DAYS)
    decided = Decision.objects.filter(submitter_key=submitter_key, decided_at__gte=since).exclude(
        measure=Measure.REQUEST_INFO)
    total = decided.values("complaint_id").distinct().count()
    unfounded = decided.filter(manifestly_unfounded=True).values("complaint_id").distinct().count()
    return {
        "since": since.date().isoformat(),
        "decided": total,
        "manifestly_unfounded": unfounded,
        "share": round(unfounded / total, 3) if total else 0.0,
    }


def misuse_thresholds() -> tuple[int, float]:
    return (int(getattr(settings, "MISUSE_MIN_UNFOUNDED", 3)), float(getattr(settings, "MISUSE_MIN_SHARE", 0.5)))


def misuse_recommended(figures: dict[str, Any]) -> bool:
    """Frequent and mostly unfounded: the counts alone never decide, a senior does."""
    minimum, share = misuse_thresholds()
    return figures["manifestly_unfounded"] >= minimum and figures["share"] >= share


def _standing(submitter_key: str, now: datetime) -> SubmitterStanding:
    standing, _created = SubmitterStanding.objects.select_for_update().get_or_create(
        submitter_key=submitter_key, defaults={"updated_at": now})
    return standing


def misuse_warn(*, submitter_key: str, user, reason: str, now: datetime | None = None) -> SubmitterStanding:
    """Warn a submitter whose notices are frequently manifestly unfounded (the first step)."""
    if not is_senior(user):
        raise Forbidden("Misuse steps are taken by senior moderators.")
    if not (reason or "").strip():
        raise InvalidInput("Give the reason (gravity, intent).", fields={"reason": ["Required."]})
    now = now or timezone.now()
    figures = misuse_figures(submitter_key, now)
    if not misuse_recommended(figures):
        raise Conflict("The figures do not show frequent manifestly unfounded notices.", code="below_threshold",
                       fields={"figures": figures})
    with transaction.atomic():
        standing = _standing(submitter_key, now)
        if standing.state == SubmitterStanding.State.SUSPENDED:
            raise Conflict("This submitter is already suspended.", code="already_suspended")
        standing.state = SubmitterStanding.State.WARNED
        standing.warned_at = now
        standing.updated_at = now
        standing.save()
        MisuseStep.objects.create(standing=standing, kind=MisuseStep.Kind.WARNED, actor=actor_for(user),
                                  reason=reason.strip(), figures=figures, created_at=now)
        audit_record(actor=actor_for(user), code=Events.MISUSE_WARNED, target=standing,
                     details={"submitter_key": submitter_key, "figures": figures, "reason": reason.strip()})
    return standing


def misuse_suspend(*, submitter_key: str, user, reason: str, days: int,
                   now: datetime | None = None) -> SubmitterStanding:
    """Suspend filing for a period, only after a prior warning (DSA Art. 23(2))."""
    if not is_senior(user):
        raise Forbidden("Misuse steps are taken by senior moderators.")
    if not (reason or "").strip():
        raise InvalidInput("Give the reason (gravity, intent).", fields={"reason": ["Required."]})
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise InvalidInput("A suspension lasts 1 to 365 days.", fields={"days": ["1 to 365."]})
    now = now or timezone.now()
    figures = misuse_figures(submitter_key, now)
    with transaction.atomic():
        standing = _standing(submitter_key, now)
        if standing.state != SubmitterStanding.State.WARNED:
            raise Conflict("A submitter is warned before being suspended.", code="not_warned")
        standing.state = SubmitterStanding.State.SUSPENDED
        standing.suspended_until = now + timedelta(days=days)
        standing.updated_at = now
        standing.save()
        MisuseStep.objects.create(standing=standing, kind=MisuseStep.Kind.SUSPENDED, actor=actor_for(user),
                                  reason=reason.strip(), figures={**figures, "days": days}, created_at=now)
        timers.schedule(MISUSE_SUSPENSION_END, standing, standing.suspended_until)
        audit_record(actor=actor_for(user), code=Events.MISUSE_SUSPENDED, target=standing,
                     details={"submitter_key": submitter_key, "figures": figures, "days": days,
                              "until": standing.suspended_until.isoformat(), "reason": reason.strip()})
    forget_cached_suspensions()
    transaction.on_commit(forget_cached_suspensions)
    return standing


def misuse_suspension_end(standing_id: int, now: datetime | None = None) -> str:
    """The suspension's period is over. Call inside the sweep's transaction."""
    now = now or timezone.now()
    standing = SubmitterStanding.objects.select_for_update().filter(pk=standing_id).first()
    if standing is None or standing.state != SubmitterStanding.State.SUSPENDED:
        return "skipped:not_suspended"
    if standing.suspended_until and standing.suspended_until > now:
        return "skipped:not_due"
    # Back to "warned", not "good": a relapse may be suspended again without a new warning.
    standing.state = SubmitterStanding.State.WARNED
    standing.updated_at = now
    standing.save(update_fields=["state", "updated_at"])
    MisuseStep.objects.create(standing=standing, kind=MisuseStep.Kind.SUSPENSION_ENDED, actor=SYSTEM,
                              created_at=now)
    audit_record(actor=SYSTEM, code=Events.MISUSE_SUSPENSION_ENDED, target=standing,
                 details={"submitter_key": standing.submitter_key})
    forget_cached_suspensions()
    transaction.on_commit(forget_cached_suspensions)
    return "ended"


_suspensions_cache: tuple[float, dict[str, datetime]] | None = None
SUSPENSIONS_CACHE_SECONDS = 5.0


def _current_suspensions() -> dict[str, datetime]:
    """Suspended submitters and until when, re-read at most every few seconds per process.

    Every intake asks; suspensions are few and change rarely, so one small query every
    few seconds replaces one per notice. Another process sees a new suspension within
    SUSPENSIONS_CACHE_SECONDS; this process at once (see ``forget_cached_suspensions``).
    """
    global _suspensions_cache
    now_mono = time.monotonic()
    if _suspensions_cache and now_mono - _suspensions_cache[0] < SUSPENSIONS_CACHE_SECONDS:
        return _suspensions_cache[1]
    rows = SubmitterStanding.objects.filter(
        state=SubmitterStanding.State.SUSPENDED, suspended_until__gt=timezone.now()
    ).values_list("submitter_key", "suspended_until")
    _suspensions_cache = (now_mono, dict(rows))
    return _suspensions_cache[1]


def forget_cached_suspensions() -> None:
    global _suspensions_cache
    _suspensions_cache = None


def refuse_if_suspended(complaint: Complaint) -> None:
    """Intake hook (``complaints.hooks.before_submit``): a suspended submitter may not file.

    It runs before anything is stored or any file is read, and the refusal is answered
    as 403 ``filing_suspended``.
    """
    suspensions = _current_suspensions()
    if not suspensions:
        return
    key = submitter_key_for(complaint)
    until = suspensions.get(key) if key else None
    if until is not None and until > timezone.now():
        raise Forbidden(
            f"Filing is suspended until {until:%Y-%m-%d} because earlier notices were "
            "manifestly unfounded.",
            code="filing_suspended",
        )


def erase_redress_personal_data(complaint: Complaint) -> dict[str, int]:
    """Retention's end for what redress collected about a case: the poster's identity,
    statement and evidence in counter-notices, the complainant's proof note, and the
    free-text grounds of appeals. States and dates stay for the record and statistics."""
    counter_notices = CounterNotice.objects.filter(decision__complaint=complaint).update(
        poster_name="", poster_email="", poster_phone="", poster_id_number="",
        statement="", evidence="", proof_note="",
    )
    appeals = Appeal.objects.filter(decision__complaint=complaint).exclude(grounds="").update(grounds="")
    return {"counter_notices": counter_notices, "appeals": appeals}
