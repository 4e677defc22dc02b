"""Counter-notices (Civil Code Art. 1196): the poster objects, the complainant has a waiting
period to prove a complaint to an authority or a lawsuit, else the measure is lifted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actors
from complaints.models import Complaint
from deadlines import timers
from moderation import events, hooks
from moderation.models import Appeal, CounterNotice, Decision, PosterNotice
from moderation.services.common import check_case_change, lock_case, token_hash
from moderation.services.decisions import lift_measure
from takedown.exceptions import Conflict, ErrorCode, Forbidden, InvalidInput, NotFound

COUNTER_NOTICE_WAIT = "counter_notice_wait"
PROOF_KINDS = ("authority_complaint", "lawsuit")

# Kinds of information whose publication is unlawful whatever the poster says: a
# counter-notice cannot lift a measure on them (SPEC section 3, "e.g. an ID number").
UNLAWFUL_IN_ITSELF = frozenset({"id_number", "financial_account", "biometric", "health"})


def poster_notice_by_token(token: str) -> PosterNotice | None:
    if not token or len(token) > 100:
        return None
    return PosterNotice.objects.select_related("decision__complaint__policy").filter(
        token_hash=token_hash(token)).first()


@dataclass
class CounterNoticeInput:
    token: str
    name: str = ""
    email: str = ""
    phone: str = ""
    id_number: str = ""
    statement: str = ""
    evidence: str = ""


def check_counter_notice(data: CounterNoticeInput) -> PosterNotice:
    """The poster's link and what they sent: a true identity and preliminary evidence."""
    notice = poster_notice_by_token(data.token)
    if notice is None:
        raise NotFound(_("This counter-notice link is not valid."))
    if not notice.counter_notice_allowed:
        raise Forbidden(_("Anonymous notices do not start the counter-notice process."), code=ErrorCode.NOT_AVAILABLE)
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
        raise InvalidInput(_("The counter-notice is incomplete."), fields=errors)
    return notice


def counter_notice_submit(*, data: CounterNoticeInput, now: datetime | None = None) -> CounterNotice:
    """The poster objects to a measure in force."""
    notice = check_counter_notice(data)
    now = now or timezone.now()
    decision = notice.decision
    check_case_change(decision.complaint, actor=actors.POSTER, action="counter_notice")
    with transaction.atomic():
        lock_case(decision.complaint)
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.state != Decision.State.IN_FORCE or not decision.is_restrictive:
            raise Conflict(_("The measure is no longer in force."), code=ErrorCode.NOT_IN_FORCE)
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
            raise Conflict(_("A counter-notice on this decision is already being handled."), code=ErrorCode.DUPLICATE) from None
        events.counter_notice_received(counter=counter, decision=decision)
        from deadlines import outbox
        from moderation import tasks

        outbox.enqueue(tasks.forward_counter_notice, counter.pk)
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
        events.counter_notice_forwarded(counter=counter, complaint=complaint, wait_days=wait_days)
    return counter


def counter_notice_proof(*, counter: CounterNotice, kind: str, note: str, actor: str,
                         now: datetime | None = None) -> CounterNotice:
    """The complainant proved a complaint to an authority or a lawsuit: the case is held."""
    if kind not in PROOF_KINDS:
        raise InvalidInput(_("Say whether you complained to an authority or went to court."),
                           fields={"kind": [f"One of: {', '.join(PROOF_KINDS)}."]})
    if not note.strip():
        raise InvalidInput(_("Describe the proof (authority, case or receipt number)."), fields={"note": [_("Required.")]})
    now = now or timezone.now()
    with transaction.atomic():
        complaint = lock_case(counter.decision.complaint)
        counter = CounterNotice.objects.select_for_update().get(pk=counter.pk)
        if counter.state not in (CounterNotice.State.WAITING, CounterNotice.State.FORWARDING):
            raise Conflict(_("The waiting period is over."), code=ErrorCode.NOT_WAITING)
        counter.state = CounterNotice.State.HELD
        counter.proof_received_at = now
        counter.proof_kind = kind
        counter.proof_note = note.strip()
        counter.resolved_at = now
        counter.save()
        timers.cancel(COUNTER_NOTICE_WAIT, counter)
        events.counter_notice_proof(actor=actor, counter=counter, complaint=complaint, kind=kind)
    # The hold is its own change with its own record; the measure stays in force under it.
    hooks.counter_notice_proved(counter=counter, complaint=complaint, kind=kind, actor=actor)
    return counter


def counter_notice_wait_ended(counter_id: int, now: datetime | None = None) -> str:
    """The waiting period ran out without proof. Call inside the sweep's transaction."""
    now = now or timezone.now()
    found = CounterNotice.objects.select_related("decision__complaint").filter(pk=counter_id).first()
    if found is None:
        return "skipped:gone"
    # Lock in the order every other writer uses: the case, then the counter-notice.
    complaint = lock_case(found.decision.complaint)
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
        events.counter_notice_kept(counter=counter, complaint=complaint, decision=decision, unlawful=unlawful)
        return "kept"
    counter.state = CounterNotice.State.LIFTED
    counter.save(update_fields=["state", "resolved_at"])
    lift_measure(decision, state=Decision.State.LIFTED, actor=actors.SYSTEM, now=now, why="counter_notice",
                 reason=f"no proof of a complaint or lawsuit within the waiting period (counter-notice {counter.pk})")
    return "lifted"


def erase_redress_personal_data(complaint: Complaint) -> dict[str, int]:
    """``complaints.hooks.erase_personal_data``: what redress collected about a case: the
    poster's identity, statement and evidence in counter-notices, the complainant's proof
    note, and the free-text grounds of appeals. States and dates stay for the record."""
    counter_notices = CounterNotice.objects.filter(decision__complaint=complaint).update(
        poster_name="", poster_email="", poster_phone="", poster_id_number="",
        statement="", evidence="", proof_note="",
    )
    appeals = Appeal.objects.filter(decision__complaint=complaint).exclude(grounds="").update(grounds="")
    return {"counter_notices": counter_notices, "appeals": appeals}
