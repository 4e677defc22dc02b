"""Legal requests: registered before any investigator sees a case, and what they open.

A request's export packages exist only while it is live: revoking it, or its expiry
(the ``legal_request_expiry`` timer), deletes them, on the record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actors
from complaints.models import Complaint
from complaints.selectors import complaint_by_reference
from deadlines import timers
from preservation import events
from preservation.exports import delete_export_files
from preservation.models import LegalRequest
from takedown import roles
from takedown.crypto import blind_indexes
from takedown.exceptions import Conflict, ErrorCode, NotFound, Unprocessable

REQUEST_EXPIRY = "legal_request_expiry"


def _resolve_scope(references: list[str], victim: str) -> list[Complaint]:
    found: dict[int, Complaint] = {}
    unknown = []
    for reference in references:
        complaint = complaint_by_reference(reference.strip())
        if complaint is None:
            unknown.append(reference)
        else:
            found[complaint.pk] = complaint
    if unknown:
        raise NotFound(
            _("Some case references do not exist."),
            fields={"scope_references": [f"Unknown case: {r}" for r in unknown]},
        )
    if victim.strip():
        digests = blind_indexes(victim, "name")
        for complaint in Complaint.objects.filter(victim_name_digest__in=digests):
            found[complaint.pk] = complaint
    return [found[pk] for pk in sorted(found)]


def register_legal_request(
    *,
    actor_user,
    authority: str,
    reference_number: str,
    legal_basis: str,
    scope_references: list[str],
    scope_victim: str,
    requesting_officer: str,
    expires_at: datetime,
    deadline: datetime | None = None,
    investigators: list[Any] = (),
) -> LegalRequest:
    """Register a request and the cases it covers; name the investigators who work on it.

    The scope is resolved now (case references, and every case of the named victim),
    so what an investigator may see is fixed and auditable from the start.
    """
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    for name, value in (
        ("authority", authority),
        ("reference_number", reference_number),
        ("legal_basis", legal_basis),
        ("requesting_officer", requesting_officer),
    ):
        if not (value or "").strip():
            errors[name] = ["This field is required."]
    if expires_at is None or expires_at <= now:
        errors["expires_at"] = ["The expiry must be in the future."]
    if not scope_references and not (scope_victim or "").strip():
        errors["scope_references"] = ["Name at least one case or a victim."]
    not_investigators = [u.username for u in investigators if not roles.has_role(u, roles.INVESTIGATOR)]
    if not_investigators:
        errors["investigators"] = [f"{name} is not an investigator." for name in not_investigators]
    # Fields of the right types that do not make a request (blank, expired, no scope): 422.
    if errors:
        raise Unprocessable(_("The legal request is incomplete."), fields=errors)
    complaints = _resolve_scope(list(scope_references), scope_victim or "")
    if not complaints:
        raise Unprocessable(_("No case matches the scope."), fields={"scope_victim": [_("No case of this victim.")]})
    actor = actors.for_user(actor_user)
    with transaction.atomic():
        if LegalRequest.objects.filter(authority=authority.strip(), reference_number=reference_number.strip()).exists():
            raise Conflict(_("This request is already registered."), code=ErrorCode.DUPLICATE_REQUEST)
        request = LegalRequest.objects.create(
            authority=authority.strip(),
            reference_number=reference_number.strip(),
            legal_basis=legal_basis.strip(),
            scope_references=[c.reference for c in complaints if c.reference in scope_references],
            scope_victim=(scope_victim or "").strip(),
            deadline=deadline,
            requesting_officer=requesting_officer.strip(),
            registered_by=actor_user,
            registered_at=now,
            expires_at=expires_at,
        )
        request.complaints.set(complaints)
        request.investigators.set(investigators)
        events.legal_request_registered(actor=actor, request=request, cases=complaints, investigators=investigators)
        # When it expires, its export packages are deleted (they hold personal data).
        timers.schedule(REQUEST_EXPIRY, request, request.expires_at)
    return request


def revoke_legal_request(request: LegalRequest, *, actor_user) -> LegalRequest:
    with transaction.atomic():
        request = LegalRequest.objects.select_for_update().get(pk=request.pk)
        if request.revoked_at is not None:
            return request
        request.revoked_at = timezone.now()
        request.save(update_fields=["revoked_at"])
        actor = actors.for_user(actor_user)
        events.legal_request_revoked(actor=actor, request=request)
        timers.cancel(REQUEST_EXPIRY, request)
        delete_export_files(request, actor=actor, reason="revoked")
    return request


def legal_request_expired(timer) -> str:
    """Timer handler (``legal_request_expiry``): the request ran out; its packages go."""
    request = LegalRequest.objects.select_for_update().filter(pk=timer.target_id).first()
    if request is None:
        return "skipped:gone"
    if request.revoked_at is not None:
        return "skipped:revoked"
    # The sweep fires a timer only once it is due: judge it no earlier than its due time.
    if request.expires_at > max(timezone.now(), timer.due_at):
        return "skipped:extended"
    deleted = delete_export_files(request, actor=actors.SYSTEM, reason="expired")
    return f"deleted:{deleted}"


# -- what investigators may see --------------------------------------------------------


def live_requests_for(user, *, at: datetime | None = None):
    at = at or timezone.now()
    return LegalRequest.objects.filter(investigators=user, revoked_at__isnull=True, expires_at__gt=at)


def investigator_can_see(user, complaint: Complaint | int) -> bool:
    """True only for an investigator named on a live, unexpired request covering the case."""
    if not roles.has_role(user, roles.INVESTIGATOR):
        return False
    complaint_id = complaint if isinstance(complaint, int) else complaint.pk
    return live_requests_for(user).filter(complaints=complaint_id).exists()
