"""Decisions: the statement of reasons (DSA Art. 17), carrying the measure out, lifting it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actors
from complaints import clock, privacy
from complaints.models import Complaint, ComplaintItem
from complaints.services import complaint_add_message
from deadlines import timers
from moderation import events, hooks
from moderation.models import Claim, Decision, Incident, ItemAction, Measure, PosterNotice
from moderation.redress import DEFAULT_REDRESS
from moderation.services.claims import end_claim
from moderation.services.common import (
    case_version,
    check_case_change,
    is_senior,
    lock_case,
    new_token,
    require_reviewer,
    submitter_key_for,
)
from takedown import countries
from takedown.exceptions import Conflict, ErrorCode, Forbidden, InvalidInput, NotFound

MEASURE_END = "measure_end"


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


# The statement of reasons goes to the poster, the host platform, the audit log (which
# outlives retention) and the DSA database: none of its texts may carry personal data.
STATEMENT_TEXTS = ("facts", "legal_ground", "explanation", "redress")


def check_statement(data: DecisionInput, complaint: Complaint | None = None) -> None:
    """A statement of reasons must name facts and grounds (DSA Art. 17(3)), and hold no
    personal data: of the case (``complaint``), or any the detectors recognise."""
    errors: dict[str, list[str]] = {}
    if complaint is not None:
        for name in STATEMENT_TEXTS:
            kinds = privacy.kinds_found(getattr(data, name), complaint)
            if kinds:
                errors[name] = [
                    "This text contains personal data (" + ", ".join(kinds) + "): state it without them; "
                    "the statement of reasons is sent to the poster and published without personal data."
                ]
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
        raise InvalidInput(_("The statement of reasons is incomplete."), fields=errors)


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
    decision on a case that is no longer open. ``via_appeal``: the decision replaces
    one reversed on appeal, on a case already decided.
    """
    require_reviewer(user)
    check_statement(data, complaint)
    now = now or timezone.now()
    check_case_change(complaint, actor=actors.for_user(user), action="decide")
    with transaction.atomic():
        locked = lock_case(complaint)
        claim = None if via_appeal else check_decide(locked, user=user, data=data, now=now)
        items = chosen_items(locked, data.item_ids)
        return do_decide(locked, user=user, data=data, items=items, claim=claim, incident=incident,
                         replaces=replaces, now=now)


def check_decide(complaint: Complaint, *, user, data: DecisionInput, now: datetime) -> Claim | None:
    """May ``user`` decide this open case now? Returns the live claim (expiring a stale one).

    Call while holding the case lock.
    """
    if not complaint.is_open:
        raise Conflict(_("This case was already decided."), code=ErrorCode.ALREADY_DECIDED)
    if data.expected_version and data.expected_version != case_version(complaint):
        raise Conflict(
            _("The case changed since you opened it; reload it and decide again."),
            code=ErrorCode.STALE_VERSION,
            fields={"expected_version": data.expected_version, "current_version": case_version(complaint)},
        )
    claim = Claim.objects.select_for_update().filter(complaint=complaint, state=Claim.State.ACTIVE).first()
    if claim is not None and claim.expires_at <= now:
        end_claim(claim, Claim.State.EXPIRED, now, actor=actors.SYSTEM)
        claim = None
    if claim is None and not is_senior(user):
        raise Conflict(_("Claim the case before deciding it."), code=ErrorCode.NOT_CLAIMED)
    if claim is not None and claim.moderator_id != user.pk and not is_senior(user):
        raise Forbidden(_("Only the moderator holding the case, or a senior moderator, may decide it."))
    return claim


def chosen_items(complaint: Complaint, item_ids: Sequence[int] | None) -> list[ComplaintItem]:
    """The items a decision applies to: those named, else all of the case's."""
    all_items = list(ComplaintItem.objects.filter(complaint=complaint).order_by("position"))
    if not item_ids:
        return all_items
    wanted = set(item_ids)
    chosen = [i for i in all_items if i.pk in wanted]
    unknown = sorted(wanted - {i.pk for i in chosen})
    if unknown:
        raise InvalidInput(_("Some items are not part of this case."), fields={"item_ids": [f"Unknown: {unknown}"]})
    return chosen


def do_decide(complaint: Complaint, *, user, data: DecisionInput, items: list[ComplaintItem], claim: Claim | None,
              incident: Incident | None, replaces: Decision | None, now: datetime) -> Decision:
    """Write the decision, move the case on, and set its effects going. Call holding the case lock."""
    actor = actors.for_user(user)
    decision = Decision.objects.create(
        complaint=complaint,
        measure=data.measure,
        item_ids=[i.pk for i in items],
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
        submitter_key=submitter_key_for(complaint),
        decided_by=user,
        decided_at=now,
        based_on_version=data.expected_version or case_version(complaint),
        incident=incident,
        replaces=replaces,
    )
    if claim is not None:
        end_claim(claim, Claim.State.DECIDED, now, actor=actor)
    previous_status = complaint.status
    if data.measure == Measure.REQUEST_INFO:
        complaint.status = Complaint.Status.WAITING_COMPLAINANT
        complaint.save(update_fields=["status", "updated_at"])
        clock.pause(complaint, now=now, actor=actor)
    else:
        complaint.status = Complaint.Status.DECIDED
        complaint.save(update_fields=["status", "updated_at"])
        clock.stop(complaint)  # the response was given: its reminders and breach are void
    events.decided(user=user, complaint=complaint, decision=decision, previous_status=previous_status,
                   statement=statement_of_reasons(decision))
    if data.measure == Measure.REQUEST_INFO:
        # The complainant reads the question on the tracking page and by e-mail.
        complaint_add_message(complaint=complaint, body=decision.explanation, staff_user=user, now=now)
    if decision.is_restrictive:
        _take_measure(decision, complaint, items, actor=actor, now=now)
    _queue_complainant_email(decision)
    return decision


def _take_measure(decision: Decision, complaint: Complaint, items: list[ComplaintItem], *, actor: str,
                  now: datetime) -> None:
    _item_actions(decision, items, ItemAction.Kind.APPLY, now)
    hooks.measure_taken(decision, items, actor=actor)
    _notify_poster(decision, complaint, items, now)
    if decision.end_date:
        end_at = datetime.combine(decision.end_date, datetime.min.time(), tzinfo=timezone.get_current_timezone())
        timers.schedule(MEASURE_END, decision, end_at)


def _item_actions(decision: Decision, items: Sequence[ComplaintItem], kind: str, now: datetime) -> None:
    """One action per item, so the platform's answer for each item is tracked apart."""
    for item in items:
        ItemAction.objects.get_or_create(decision=decision, item=item, kind=kind, defaults={"updated_at": now})


def _notify_poster(decision: Decision, complaint: Complaint, items: list[ComplaintItem], now: datetime) -> None:
    """Forward the notice to the poster through the platform (a higher layer carries it)."""
    token, digest = new_token()
    allowed = not complaint.is_anonymous
    notice = PosterNotice.objects.create(decision=decision, token_hash=digest, counter_notice_allowed=allowed,
                                         created_at=now)
    hooks.poster_notified(decision, notice, token, items)
    events.poster_notified(complaint=complaint, decision=decision, counter_notice_allowed=allowed)


def _queue_complainant_email(decision: Decision) -> None:
    from deadlines import outbox
    from moderation import tasks

    if decision.complaint.complainant_email:
        outbox.enqueue(tasks.send_decision_email, decision.pk)


def item_action_record(*, action_id: int, state: str) -> ItemAction | None:
    """The host platform answered for one item: mirror it on the item's action.

    Call inside the transaction that records the platform's answer. Idempotent.
    """
    action = ItemAction.objects.select_for_update().select_related("decision").filter(pk=action_id).first()
    if action is None or state not in ItemAction.State.values or action.state == state:
        return action
    if action.reported_at is not None:
        return action  # the platform's own report outranks what the delivery showed
    action.state = state
    action.updated_at = timezone.now()
    action.save(update_fields=["state", "updated_at"])
    events.item_action_changed(action=action, state=state)
    return action


REPORT_OUTCOMES = {"done": ItemAction.State.DONE, "refused": ItemAction.State.REFUSED}


def item_action_report(*, action_id: int, outcome: str, note: str, actor: str) -> ItemAction:
    """The host platform reports that it carried out (``done``) or refused an item's action.

    Idempotent: the same report again changes nothing and records nothing. A different
    outcome after a report is refused (409): the first report is on the record.
    """
    state = REPORT_OUTCOMES[outcome]
    with transaction.atomic():
        action = (ItemAction.objects.select_for_update().select_related("decision__complaint", "item")
                  .filter(pk=action_id).first())
        if action is None:
            raise NotFound(_("No such item action."))
        if action.reported_at is not None:
            if action.state == state and action.platform_note == note:
                return action
            raise Conflict(_("This action was already reported as %(state)s.") % {"state": action.state},
                           code=ErrorCode.ALREADY_REPORTED)
        action.state = state
        action.platform_note = note
        action.reported_at = action.updated_at = timezone.now()
        action.save(update_fields=["state", "platform_note", "reported_at", "updated_at"])
        events.item_action_reported(actor=actor, action=action)
    return action


def lift_measure(decision: Decision, *, state: str, actor: str, now: datetime, why: str, reason: str) -> None:
    """Take a restrictive measure back on every item it applied to. Call holding the case lock.

    ``why``: appeal, end_date or counter_notice (it names the audit event).
    """
    decision.state = state
    decision.state_changed_at = now
    decision.save(update_fields=["state", "state_changed_at"])
    timers.cancel(MEASURE_END, decision)
    if decision.is_restrictive:
        items = list(ComplaintItem.objects.filter(pk__in=decision.item_ids))
        _item_actions(decision, items, ItemAction.Kind.LIFT, now)
        hooks.measure_lifted(decision, items, actor=actor, reason=reason)
    events.measure_lifted(actor=actor, decision=decision, state=state, reason=reason, why=why)


def measure_end(decision_id: int, now: datetime | None = None) -> str:
    """A measure with an end date reached it. Call inside the sweep's transaction."""
    now = now or timezone.now()
    decision = Decision.objects.select_for_update().select_related("complaint").filter(pk=decision_id).first()
    if decision is None or decision.state != Decision.State.IN_FORCE:
        return "skipped:not_in_force"
    lift_measure(decision, state=Decision.State.EXPIRED, actor=actors.SYSTEM, now=now, why="end_date",
                 reason="end date reached")
    return "lifted"
