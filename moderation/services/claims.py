"""Claims: a moderator's exclusive hold on a case while reviewing it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actors
from complaints.models import Complaint
from deadlines import timers
from moderation import events
from moderation.models import Claim
from moderation.services.common import check_case_change, is_senior, lock_case, require_reviewer
from takedown.exceptions import Conflict, ErrorCode, Forbidden

CLAIM_EXPIRY = "claim_expiry"


def claim_minutes(complaint: Complaint) -> int:
    return int(complaint.policy.claim_minutes or 30)


def check_claim(*, complaint: Complaint, user, now: datetime) -> tuple[Complaint, Claim | None]:
    """Lock the case and its live claim for ``claim_take``; expire a stale claim on the way.

    Raises Conflict when the case is decided or another moderator holds it. Call
    inside the transaction; returns the locked case and the user's own claim, if any.
    """
    locked = lock_case(complaint)
    if not locked.is_open:
        raise Conflict(_("This case is already decided."), code=ErrorCode.NOT_OPEN)
    current = Claim.objects.select_for_update().filter(complaint=locked, state=Claim.State.ACTIVE).first()
    if current is not None and current.expires_at <= now:
        end_claim(current, Claim.State.EXPIRED, now, actor=actors.SYSTEM)
        current = None
    if current is not None and current.moderator_id != user.pk:
        raise Conflict(
            _("%(moderator)s is reviewing this case.") % {"moderator": current.moderator.get_username()},
            code=ErrorCode.CLAIMED_BY_OTHER,
            fields={"claimed_by": current.moderator.get_username(), "expires_at": current.expires_at.isoformat()},
        )
    return locked, current


def claim_take(*, complaint: Complaint, user, now: datetime | None = None) -> Claim:
    """Claim a case for review. The holder renews by claiming again; anyone else gets 409."""
    require_reviewer(user)
    now = now or timezone.now()
    check_case_change(complaint, actor=actors.for_user(user), action="claim")
    with transaction.atomic():
        locked, current = check_claim(complaint=complaint, user=user, now=now)
        expires = now + timedelta(minutes=claim_minutes(locked))
        if current is not None:
            return do_renew_claim(locked, current, user=user, expires=expires)
        return do_claim(locked, user=user, now=now, expires=expires)


def do_renew_claim(complaint: Complaint, claim: Claim, *, user, expires: datetime) -> Claim:
    """Call while holding the case lock, with the user's own active claim."""
    claim.expires_at = expires
    claim.save(update_fields=["expires_at"])
    timers.schedule(CLAIM_EXPIRY, claim, expires)
    events.claim_renewed(user=user, complaint=complaint, claim=claim)
    return claim


def do_claim(complaint: Complaint, *, user, now: datetime, expires: datetime) -> Claim:
    """Call while holding the case lock, with no active claim on the case."""
    try:
        with transaction.atomic():
            claim = Claim.objects.create(complaint=complaint, moderator=user, claimed_at=now, expires_at=expires)
    except IntegrityError:
        raise Conflict(_("Another moderator claimed this case a moment ago."), code=ErrorCode.CLAIMED_BY_OTHER) from None
    if complaint.status == Complaint.Status.RECEIVED:
        complaint.status = Complaint.Status.IN_REVIEW
        complaint.save(update_fields=["status", "updated_at"])
    timers.schedule(CLAIM_EXPIRY, claim, expires)
    events.case_claimed(user=user, complaint=complaint, claim=claim)
    return claim


def end_claim(claim: Claim, state: str, now: datetime, *, actor: str) -> None:
    """End a claim. Call while holding the case's row lock."""
    claim.state = state
    claim.ended_at = now
    claim.save(update_fields=["state", "ended_at"])
    timers.cancel(CLAIM_EXPIRY, claim)
    if state != Claim.State.DECIDED:
        events.claim_ended(actor=actor, claim=claim, expired=state == Claim.State.EXPIRED)


def claim_release(*, complaint: Complaint, user, now: datetime | None = None) -> None:
    """Give a case back to the queue. Only the holder (or a senior) may.

    Not refused under a legal hold: a claim is who is working on the case, not part of
    the preserved record, and a held case must stay releasable.
    """
    require_reviewer(user)
    now = now or timezone.now()
    with transaction.atomic():
        lock_case(complaint)
        current = Claim.objects.select_for_update().filter(complaint=complaint, state=Claim.State.ACTIVE).first()
        if current is None:
            raise Conflict(_("This case is not claimed."), code=ErrorCode.NOT_CLAIMED)
        if current.moderator_id != user.pk and not is_senior(user):
            raise Forbidden(_("Only the moderator holding the case, or a senior moderator, may release it."))
        end_claim(current, Claim.State.RELEASED, now, actor=actors.for_user(user))


def claim_expire(claim_id: int, now: datetime | None = None) -> str:
    """The claim's time ran out without renewal. Call inside the sweep's transaction."""
    now = now or timezone.now()
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None or claim.state != Claim.State.ACTIVE:
        return "skipped:ended"
    if claim.expires_at > now:
        return "skipped:renewed"
    end_claim(claim, Claim.State.EXPIRED, now, actor=actors.SYSTEM)
    return "expired"
