"""Appeals (DSA Art. 20): either side, free and electronic, decided by a different moderator."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actors
from complaints.models import Complaint
from moderation import events, redress
from moderation.models import RESTRICTIVE_MEASURES, Appeal, Decision, Measure
from moderation.services.common import check_case_change, lock_case, require_reviewer
from moderation.services.counter_notices import poster_notice_by_token
from moderation.services.decisions import DecisionInput, decision_create, lift_measure
from takedown.exceptions import Conflict, ErrorCode, Forbidden, InvalidInput, NotFound


def _appealed_decision(token: str, decision_id: int | None) -> tuple[str, Decision | None, Complaint]:
    """(side, decision, case) a private link may appeal: the complainant's or the poster's."""
    from complaints.services import complaint_by_token

    complaint = complaint_by_token(token)
    if complaint is not None:
        decisions = Decision.objects.filter(complaint=complaint).exclude(measure=Measure.REQUEST_INFO)
        if decision_id:
            decisions = decisions.filter(pk=decision_id)
        return Appeal.Side.COMPLAINANT, decisions.order_by("-decided_at", "-pk").first(), complaint
    notice = poster_notice_by_token(token)
    if notice is None:
        raise NotFound(_("This link is not valid."))
    return Appeal.Side.POSTER, notice.decision, notice.decision.complaint


def appeal_file(*, token: str, grounds: str, decision_id: int | None = None, now: datetime | None = None) -> Appeal:
    """Either side appeals, through its private link, within the appeal window."""
    grounds = (grounds or "").strip()
    if not grounds:
        raise InvalidInput(_("Say why the decision should change."), fields={"grounds": [_("Required.")]})
    if len(grounds) > 10_000:
        raise InvalidInput(_("Grounds are limited to 10,000 characters."), fields={"grounds": [_("Too long.")]})
    now = now or timezone.now()
    side, decision, complaint = _appealed_decision(token, decision_id)
    if decision is None:
        raise Conflict(_("There is no decision to appeal yet."), code=ErrorCode.NO_DECISION)
    with transaction.atomic():
        lock_case(complaint)
        decision = Decision.objects.select_related("complaint__policy").prefetch_related("appeals").get(pk=decision.pk)
        _refuse_unless_appealable(decision, side, now)
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(decision=decision, side=side, grounds=grounds, filed_at=now)
        except IntegrityError:
            raise Conflict(_("Your appeal against this decision is already being reviewed."), code=ErrorCode.DUPLICATE) from None
        events.appeal_filed(appeal=appeal, complaint=complaint)
    return appeal


def _refuse_unless_appealable(decision: Decision, side: str, now: datetime) -> None:
    """The rule the pages offer the appeal by (``moderation.redress.appeal_status``)."""
    status = redress.appeal_status(decision, side, now=now)
    if status == redress.APPEAL_NOT_APPLICABLE:
        raise Conflict(_("There is no decision to appeal yet."), code=ErrorCode.NO_DECISION)
    if status == redress.APPEAL_REVERSED:
        raise Conflict(_("This decision was reversed on appeal and can no longer be appealed."),
                       code=ErrorCode.NOT_IN_FORCE)
    if status == redress.APPEAL_OPEN:
        raise Conflict(_("Your appeal against this decision is already being reviewed."), code=ErrorCode.DUPLICATE)
    if status == redress.APPEAL_DECIDED:
        raise Conflict(_("Your appeal against this decision was already decided."), code=ErrorCode.ALREADY_DECIDED)
    if status == redress.APPEAL_WINDOW_CLOSED:
        raise Conflict(_("The time to appeal this decision has passed."), code=ErrorCode.APPEAL_WINDOW_CLOSED)


def check_appeal_decision(*, appeal: Appeal, user, outcome: str, reasons: str,
                          new_decision: DecisionInput | None) -> None:
    """Who may decide, and whether the outcome is complete (before anything is locked)."""
    require_reviewer(user)
    if outcome not in (Appeal.State.UPHELD, Appeal.State.REVERSED):
        raise InvalidInput(_("Uphold or reverse."), fields={"outcome": [_("One of: upheld, reversed.")]})
    if not (reasons or "").strip():
        raise InvalidInput(_("Give the reasons for the outcome."), fields={"reasons": [_("Required.")]})
    original = appeal.decision
    if original.decided_by_id == user.pk:
        raise Forbidden(_("A different moderator must decide an appeal against your own decision."),
                        code=ErrorCode.SAME_MODERATOR)
    needs_new = outcome == Appeal.State.REVERSED and not original.is_restrictive
    if needs_new and (new_decision is None or new_decision.measure not in RESTRICTIVE_MEASURES):
        raise InvalidInput(_("Reversing this decision needs the measure that should be taken."),
                           fields={"new_decision": [_("Give a restrictive measure with its statement of reasons.")]})


def appeal_decide(
    *, appeal: Appeal, user, outcome: str, reasons: str, new_decision: DecisionInput | None = None,
    now: datetime | None = None,
) -> Appeal:
    """A moderator who did not take the decision decides the appeal; a reversal acts at once.

    Reversing a restrictive measure lifts it. Reversing a decision that took no action
    (or the wrong one) needs ``new_decision``: the measure that should have been taken,
    carried out now.
    """
    check_appeal_decision(appeal=appeal, user=user, outcome=outcome, reasons=reasons, new_decision=new_decision)
    now = now or timezone.now()
    check_case_change(appeal.decision.complaint, actor=actors.for_user(user), action="decide_appeal")
    with transaction.atomic():
        complaint = lock_case(appeal.decision.complaint)
        appeal = Appeal.objects.select_for_update().select_related("decision").get(pk=appeal.pk)
        if appeal.state != Appeal.State.OPEN:
            raise Conflict(_("This appeal was already decided."), code=ErrorCode.ALREADY_DECIDED)
        original = Decision.objects.select_for_update().get(pk=appeal.decision_id)
        appeal.state = outcome
        appeal.decided_by = user
        appeal.decided_at = now
        appeal.reasons = reasons.strip()
        replacement = None
        if outcome == Appeal.State.REVERSED:
            replacement = _reverse(original, complaint, appeal, user=user, new_decision=new_decision, now=now)
            appeal.new_decision = replacement
        appeal.save()
        events.appeal_decided(user=user, appeal=appeal, complaint=complaint, original=original,
                              replacement=replacement)
    return appeal


def _reverse(original: Decision, complaint: Complaint, appeal: Appeal, *, user,
             new_decision: DecisionInput | None, now: datetime) -> Decision | None:
    """Undo the decision under appeal; take the one that should have been taken, if given."""
    if original.is_restrictive and original.state == Decision.State.IN_FORCE and new_decision is None:
        lift_measure(original, state=Decision.State.REVERSED, actor=actors.for_user(user), now=now, why="appeal",
                     reason=f"reversed on appeal {appeal.pk}")
    else:
        original.state = Decision.State.REVERSED
        original.state_changed_at = now
        original.save(update_fields=["state", "state_changed_at"])
    if new_decision is None:
        return None
    return decision_create(complaint=complaint, user=user, data=new_decision, replaces=original,
                           via_appeal=True, now=now)
