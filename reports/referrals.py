"""Referrals to the Cyberspace Administration, public security and procuratorates.

Every state change is one function here that owns its transaction, its log step and
its audit event. ``propose_referral`` is the entry point other apps call.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import EventType
from audit.models import AuditEvent
from complaints.models import Complaint
from reports import events
from reports.models import Referral, ReferralStep
from takedown.exceptions import Conflict, ErrorCode, InvalidInput

PACKAGE_FORMAT = "takedown-referral/1"


# Which status may follow which, and the event each transition writes.
TRANSITIONS: dict[str, tuple[tuple[str, ...], EventType]] = {
    Referral.Status.SENT: ((Referral.Status.PROPOSED,), events.REFERRAL_SENT),
    Referral.Status.ACKNOWLEDGED: ((Referral.Status.SENT,), events.REFERRAL_ACKNOWLEDGED),
    Referral.Status.CLOSED: ((Referral.Status.SENT, Referral.Status.ACKNOWLEDGED), events.REFERRAL_CLOSED),
    Referral.Status.DECLINED: ((Referral.Status.PROPOSED,), events.REFERRAL_DECLINED),
}


def _subject_key(subject: models.Model | tuple[str, int]) -> tuple[str, int, Complaint | None]:
    if isinstance(subject, Complaint):
        return "complaint", int(subject.pk), subject
    if isinstance(subject, models.Model):
        return subject._meta.model_name, int(subject.pk), None
    return str(subject[0]), int(subject[1]), None


def _open(subject_type: str, subject_id: int, authority: str) -> Referral | None:
    return (
        Referral.objects.select_for_update()
        .filter(subject_type=subject_type, subject_id=subject_id, authority=authority, status__in=Referral.OPEN_STATUSES)
        .first()
    )


def propose_referral(
    *,
    subject: models.Model | tuple[str, int],
    authority: str,
    reason: str,
    actor: str,
    automatic: bool = False,
) -> Referral:
    """Propose referring ``subject`` (a complaint, incident or alert) to ``authority``.

    Idempotent while a referral of the same subject to the same authority is open: the
    open one is returned unchanged. Call inside the transaction of the change that gave
    the reason, or on its own.
    """
    if authority not in Referral.Authority.values:
        raise InvalidInput(_("Unknown authority “%(authority)s”.") % {"authority": authority}, fields={"authority": [_("Unknown authority.")]})
    if not reason.strip():
        raise InvalidInput(_("Say why the case is referred."), fields={"reason": [_("Required.")]})
    subject_type, subject_id, complaint = _subject_key(subject)
    with transaction.atomic():
        existing = _open(subject_type, subject_id, authority)
        if existing is not None:
            return existing
        now = timezone.now()
        try:
            with transaction.atomic():
                referral = Referral.objects.create(
                    authority=authority,
                    subject_type=subject_type,
                    subject_id=subject_id,
                    complaint=complaint,
                    reason=reason.strip(),
                    automatic=automatic,
                    proposed_by=actor,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            # Another transaction proposed the same referral a moment ago.
            existing = _open(subject_type, subject_id, authority)
            if existing is None:
                raise
            return existing
        ReferralStep.objects.create(referral=referral, status=referral.status, actor=actor, note=referral.reason, at=now)
        events.referral_proposed(actor=actor, referral=referral)
    return referral


def _transition(referral: Referral, to: str, *, actor: str, note: str, changes: dict[str, Any] | None = None) -> Referral:
    allowed_from, event = TRANSITIONS[to]
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status not in allowed_from:
            raise Conflict(
                _("A referral that is %(status)s cannot become %(to)s.") % {"status": locked.get_status_display().lower(), "to": to},
                code=ErrorCode.REFERRAL_STATE,
            )
        now = timezone.now()
        locked.status = to
        locked.updated_at = now
        for name, value in (changes or {}).items():
            setattr(locked, name, value)
        if to == Referral.Status.SENT:
            locked.sent_at = now
            package, contacts = build_package(locked, now=now)
            locked.package = package
            locked.contacts = json.dumps(contacts, ensure_ascii=False, sort_keys=True)
            locked.package_sha256 = package_digest(package_with_contacts(locked))
        elif to == Referral.Status.ACKNOWLEDGED:
            locked.acknowledged_at = now
        else:
            locked.closed_at = now
        locked.save()
        ReferralStep.objects.create(referral=locked, status=to, actor=actor, note=note.strip(), at=now)
        details: dict[str, Any] = {"authority": locked.authority, "status": to, "note": note.strip()}
        if to == Referral.Status.SENT:
            details["package_sha256"] = locked.package_sha256
        if locked.authority_reference:
            details["authority_reference"] = locked.authority_reference
        events.referral_moved(actor=actor, referral=locked, event=event, details=details)
    return locked


def referral_send(*, referral: Referral, actor: str, note: str = "") -> Referral:
    """Build the package and record the referral as sent to the authority."""
    return _transition(referral, Referral.Status.SENT, actor=actor, note=note)


def referral_acknowledge(*, referral: Referral, actor: str, authority_reference: str = "", note: str = "") -> Referral:
    """The authority confirmed receipt, usually with its own file number."""
    return _transition(
        referral,
        Referral.Status.ACKNOWLEDGED,
        actor=actor,
        note=note,
        changes={"authority_reference": authority_reference.strip()[:100]},
    )


def referral_close(*, referral: Referral, actor: str, note: str) -> Referral:
    if not note.strip():
        raise InvalidInput(_("Say how the referral ended."), fields={"note": [_("Required.")]})
    return _transition(referral, Referral.Status.CLOSED, actor=actor, note=note)


def referral_decline(*, referral: Referral, actor: str, note: str) -> Referral:
    """A moderator decides a proposed referral is not warranted; the reason is kept."""
    if not note.strip():
        raise InvalidInput(_("Say why the case is not referred."), fields={"note": [_("Required.")]})
    return _transition(referral, Referral.Status.DECLINED, actor=actor, note=note)


STATUS_ACTIONS = {
    Referral.Status.SENT: referral_send,
    Referral.Status.ACKNOWLEDGED: referral_acknowledge,
    Referral.Status.CLOSED: referral_close,
    Referral.Status.DECLINED: referral_decline,
}


# --- the package ---------------------------------------------------------------------


def package_digest(package: dict[str, Any]) -> str:
    encoded = json.dumps(package, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _case_section(complaint: Complaint) -> dict[str, Any]:
    from reports.assessments import assessment_for

    assessment = assessment_for("complaint", complaint.pk)
    return {
        "reference": complaint.reference,
        "received_at": _iso(complaint.received_at),
        "status": complaint.status,
        "priority": complaint.priority,
        "priority_reasons": list(complaint.priority_reasons),
        "source": complaint.source,
        "relationship": complaint.relationship,
        "disclosed_info": list(complaint.disclosed_info),
        "harms": list(complaint.harms),
        "victim_is_minor": complaint.victim_is_minor,
        "threat_to_life": complaint.threat_to_life,
        # The complainant's own words, notes and file names are personal data: they travel
        # in the encrypted part (``_personal``) and are put back by ``package_with_contacts``.
        "items": [{"position": i.position, "url": i.url} for i in complaint.items.all()],
        "evidence": [
            {
                "content_type": e.content_type,
                "size": e.size,
                "sha256": e.sha256,
                "received_at": _iso(e.received_at),
            }
            for e in complaint.evidence.all()
        ],
        "statements_of_reasons": [_decision_section(d) for d in _decisions(complaint)],
        "assessment": (assessment.result if assessment else None),
    }


def _decisions(complaint: Complaint) -> list:
    try:
        from moderation.models import Decision
    except ImportError:  # the moderation app is not installed
        return []
    return list(Decision.objects.filter(complaint=complaint).order_by("decided_at", "pk"))


def _decision_section(decision) -> dict[str, Any]:
    return {
        "decision_id": decision.pk,
        "measure": decision.measure,
        "state": decision.state,
        "decided_at": _iso(decision.decided_at),
        "territorial_scope": list(decision.territorial_scope),
        "end_date": decision.end_date.isoformat() if decision.end_date else None,
        "facts": decision.facts,
        "ground_type": decision.ground_type,
        "legal_ground": decision.legal_ground,
        "explanation": decision.explanation,
        "automated_detection": decision.automated_detection,
        "automated_decision": decision.automated_decision,
        "redress": decision.redress,
    }


def _audit_section(targets: list[tuple[str, str]]) -> dict[str, Any]:
    """The audit events about the subject, each with its RFC 9162 leaf hash and, when
    the sequencer has already placed it in the log, its index and inclusion proof
    against the latest signed checkpoint (included with the verifier key), so the
    authority can check the trail offline. Reads only: never forces sequencing.
    """
    from audit.canonical import canonical_event, event_leaf_hash

    query = models.Q()
    for target_type, target_id in targets:
        query |= models.Q(target_type=target_type, target_id=target_id)
    rows = list(AuditEvent.objects.filter(query).order_by("id")[:5000])
    checkpoint, indexes, proofs, verifier = _proof_material([row.pk for row in rows])
    events = []
    for event in rows:
        record = {
            "id": event.pk,
            "created_at": event.created_at,
            "actor": event.actor,
            "code": event.code,
            "target_type": event.target_type,
            "target_id": event.target_id,
            "details": event.details,
        }
        try:
            leaf = event_leaf_hash(record).hex()
            canonical = canonical_event(record)
        except ValueError:
            leaf, canonical = None, {**record, "created_at": _iso(event.created_at)}
        entry: dict[str, Any] = {"event": canonical, "leaf_hash": leaf}
        index = indexes.get(event.pk)
        if index is not None:
            entry["index"] = index
            entry["inclusion_proof"] = [node.hex() for node in proofs.get(index, [])]
        events.append(entry)
    return {
        "events": events,
        "checkpoint": checkpoint,
        "verifier_key": verifier,
        "how_to_verify": (
            "Each leaf_hash is SHA-256(0x00 || canonical event bytes) (RFC 9162). For an event "
            "with an index, recompute the root from its inclusion_proof and compare it with the "
            "root in the signed checkpoint, whose Ed25519 signature verifies with verifier_key. "
            "Events without an index were not yet in a checkpoint: ask the platform for an "
            "inclusion proof (GET /api/v1/audit/proof/inclusion?index=&tree_size=)."
        ),
    }


def _proof_material(event_ids: list[int]) -> tuple[str | None, dict[int, int], dict[int, list[bytes]], str | None]:
    """(checkpoint note, {event id: leaf index}, {leaf index: proof}, verifier key)."""
    try:
        from audit import selectors as audit_selectors
        from audit import sequencer
        from audit.models import LogEntry
    except ImportError:  # an audit app without a Merkle log
        return None, {}, {}, None
    checkpoint = sequencer.latest_checkpoint()
    if checkpoint is None or not event_ids:
        return (checkpoint.note if checkpoint else None), {}, {}, None
    indexes = dict(
        LogEntry.objects.filter(event_id__in=event_ids, index__lt=checkpoint.tree_size).values_list("event_id", "index")
    )
    proofs = audit_selectors.inclusion_proofs(sorted(indexes.values()), checkpoint.tree_size) if indexes else {}
    try:
        verifier = sequencer.verifier_key()
    except Exception:  # no signing key configured on this installation
        verifier = None
    return checkpoint.note, indexes, proofs, verifier


def _personal(complaint: Complaint) -> dict[str, Any]:
    """What of a case is personal data: the authority needs it (to reach the victim, to read
    the complaint), so it goes in the package, but it is stored encrypted and never enters
    the audit log (only the package's digest does)."""
    return {
        "complainant": {
            "name": complaint.complainant_name,
            "email": complaint.complainant_email,
            "phone": complaint.complainant_phone,
            "victim_name": complaint.victim_name,
        },
        "explanation": complaint.explanation,
        "evidence_excerpt": complaint.evidence_excerpt,
        "item_notes": {str(i.position): i.note for i in complaint.items.all()},
        "evidence_names": {e.sha256: e.original_name for e in complaint.evidence.all()},
    }


def _with_personal(case: dict[str, Any], personal: dict[str, Any]) -> dict[str, Any]:
    if "complainant" not in personal:  # packages sent before the free text moved here
        return {**case, "complainant": personal}
    notes, names = personal.get("item_notes", {}), personal.get("evidence_names", {})
    return {
        **case,
        "complainant": personal["complainant"],
        "explanation": personal.get("explanation", ""),
        "evidence_excerpt": personal.get("evidence_excerpt", ""),
        "items": [{**item, "note": notes.get(str(item.get("position")), "")} for item in case.get("items", [])],
        "evidence": [{**ev, "name": names.get(ev.get("sha256"), "")} for ev in case.get("evidence", [])],
    }


def package_with_contacts(referral: Referral) -> dict[str, Any]:
    """The package as the authority receives it: each case with its personal data put back."""
    if not referral.package:
        return {}
    contacts = json.loads(referral.contacts) if referral.contacts else {}
    package = dict(referral.package)
    package["cases"] = [
        _with_personal(case, contacts.get(case.get("reference"), {})) for case in referral.package.get("cases", [])
    ]
    return package


def build_package(referral: Referral, *, now: datetime | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the authority receives: summary, evidence list with hashes, statements of
    reasons, the assessment and the audit trail with its proof material; and, apart, the
    complainants' contact data by case reference (stored encrypted)."""
    now = now or timezone.now()
    cases: list[Complaint] = []
    subject: dict[str, Any] = {"type": referral.subject_type, "id": referral.subject_id}
    targets: list[tuple[str, str]] = [("referral", str(referral.pk)), (referral.subject_type, str(referral.subject_id))]
    if referral.subject_type == "complaint":
        cases = list(Complaint.objects.filter(pk=referral.subject_id))
    elif referral.subject_type == "incident":
        from moderation.models import Incident

        incident = Incident.objects.filter(pk=referral.subject_id).first()
        if incident is not None:
            subject.update(title=incident.title, kind=incident.kind, state=incident.state)
            cases = list(incident.complaints.order_by("pk"))
    elif referral.subject_type == "alert":
        from prevention.models import Alert

        alert = Alert.objects.filter(pk=referral.subject_id).first()
        if alert is not None:
            subject.update(
                target=alert.target,
                severity=alert.severity,
                raised_at=_iso(alert.raised_at),
                count=alert.count,
                expected=alert.expected,
                score=alert.score,
                explanation=alert.explanation,
                series=alert.series,
            )
    targets += [("complaint", str(c.pk)) for c in cases]
    contacts = {c.reference: _personal(c) for c in cases}
    package = {
        "format": PACKAGE_FORMAT,
        "generated_at": now.isoformat(),
        "referral": {
            "id": referral.pk,
            "authority": referral.authority,
            "authority_label": str(referral.get_authority_display()),
            "reason": referral.reason,
            "proposed_at": _iso(referral.created_at),
            "automatic": referral.automatic,
        },
        "subject": subject,
        "summary": {
            "cases": len(cases),
            "items": sum(c.items.count() for c in cases),
            "evidence_files": sum(c.evidence.count() for c in cases),
            "threat_to_life": any(c.threat_to_life for c in cases),
            "victim_is_minor": any(c.victim_is_minor for c in cases),
        },
        "cases": [_case_section(c) for c in cases],
        "audit": _audit_section(targets),
        "note": "The assessment in this package is an automatic flag, not a legal finding.",
    }
    return package, contacts
