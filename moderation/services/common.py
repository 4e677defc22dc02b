"""What every moderation service shares: who may review, the case lock, the case version."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from complaints import hooks as complaint_hooks
from complaints.models import Complaint
from moderation import events
from moderation.models import Claim
from takedown import roles
from takedown.exceptions import Forbidden

REVIEWERS = (roles.MODERATOR, roles.SENIOR_MODERATOR, roles.ADMIN)
SENIORS = (roles.SENIOR_MODERATOR, roles.ADMIN)


def case_version(complaint: Complaint) -> str:
    """The version a moderator saw: any change to the case moves it on."""
    return complaint.updated_at.isoformat()


def lock_case(complaint: Complaint) -> Complaint:
    """The case row, locked for the rest of the transaction: every writer takes it first."""
    return Complaint.objects.select_for_update().select_related("policy").get(pk=complaint.pk)


def check_case_change(target, *, actor: str, action: str) -> None:
    """Refuse a change to a case a higher layer has frozen (a legal hold). Call first."""
    complaint_hooks.case_change(target, actor=actor, action=action)


def require_reviewer(user) -> None:
    if not roles.has_role(user, *REVIEWERS):
        raise Forbidden(_("Only moderators may do this."))


def is_senior(user) -> bool:
    return roles.has_role(user, *SENIORS)


def new_token() -> tuple[str, str]:
    """A private link's token (256 bits) and the SHA-256 that is all we keep of it."""
    token = secrets.token_urlsafe(32)
    return token, hashlib.sha256(token.encode()).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def active_claim(complaint: Complaint) -> Claim | None:
    return Claim.objects.select_related("moderator").filter(complaint=complaint, state=Claim.State.ACTIVE).first()


def claim_holder(complaint: Complaint):
    """``complaints.hooks.case_assignee``: the moderator holding the case's claim, if any."""
    claim = active_claim(complaint)
    return claim.moderator if claim is not None else None


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


def case_viewed(*, complaint: Complaint, user, what: str = "case") -> None:
    """Record that a staff member saw a complainant's personal data (``what``: case, evidence:<id>)."""
    with transaction.atomic():
        events.case_viewed(user=user, complaint=complaint, what=what)
