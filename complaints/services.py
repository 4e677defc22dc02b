"""Writes of the complaint channel. The web form and the API both call these."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import COMPLAINANT, actor_for, audit_record
from complaints import hooks
from complaints.evidence import PreparedEvidence, prepare_evidence
from complaints.models import Complaint, ComplaintItem, DeadlinePolicy, Evidence, Message
from complaints.triage import triage
from complaints.validity import NoticeFacts, missing_elements
from complaints.vocabulary import Relationship, Source
from deadlines import timers
from deadlines.arithmetic import response_due_at
from takedown import roles
from takedown.exceptions import DomainError, InvalidInput, PayloadTooLarge


class Events:
    """Audit event codes written by this module."""

    SUBMITTED = "complaint.submitted"
    BECAME_VALID = "complaint.became_valid"
    EVIDENCE_ADDED = "complaint.evidence_added"
    MESSAGE_ADDED = "complaint.message_added"
    DETAILS_ADDED = "complaint.details_added"


@dataclass
class ComplaintInput:
    """A complaint as the adapters parsed it: shapes already checked, meaning not yet."""

    relationship: str = Relationship.SELF
    complainant_name: str = ""
    complainant_email: str = ""
    complainant_phone: str = ""
    complainant_id_number: str = ""
    victim_name: str = ""
    victim_is_minor: bool = False
    items: list[tuple[str, str]] = field(default_factory=list)
    disclosed_info: list[str] = field(default_factory=list)
    harms: list[str] = field(default_factory=list)
    explanation: str = ""
    evidence_excerpt: str = ""
    good_faith_declaration: bool = False
    language: str = "en"
    timezone: str = "UTC"
    client_key: str = ""


@dataclass(frozen=True)
class UploadedEvidence:
    name: str
    data: bytes


@dataclass(frozen=True)
class Submission:
    complaint: Complaint
    # The tracking secret exists in clear only here, to be shown once; only its hash is stored.
    token: str | None
    created: bool

    @property
    def tracking_url(self) -> str | None:
        return tracking_url(self.token) if self.token else None


def tracking_url(token: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/track/{token}/"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_tracking_token() -> str:
    # 32 random bytes: 256 bits, well over the 128 the tracking link must have.
    return secrets.token_urlsafe(32)


def complaint_by_token(token: str) -> Complaint | None:
    """The complaint a tracking token opens, or None.

    The database finds the row by the token's hash, so comparing there reveals
    nothing about the token itself; the final comparison is constant-time anyway.
    """
    if not token or len(token) > 100:
        return None
    digest = hash_token(token)
    complaint = Complaint.objects.filter(tracking_token_hash=digest).first()
    if complaint is None or not hmac.compare_digest(complaint.tracking_token_hash, digest):
        return None
    return complaint


_policy_cache: tuple[float, DeadlinePolicy] | None = None
POLICY_CACHE_SECONDS = 5.0


def current_policy() -> DeadlinePolicy:
    """The newest deadline policy (cached a few seconds per process: read on every intake)."""
    global _policy_cache
    now = time.monotonic()
    if _policy_cache and now - _policy_cache[0] < POLICY_CACHE_SECONDS:
        return _policy_cache[1]
    policy = DeadlinePolicy.objects.order_by("-version").first()
    if policy is None:
        policy, _created = DeadlinePolicy.objects.get_or_create(
            version=1, defaults={"reminder_fractions": [0.5, 0.8], "note": "defaults"}
        )
    _policy_cache = (now, policy)
    return policy


def forget_cached_policy() -> None:
    global _policy_cache
    _policy_cache = None


def _source_for(submitter, facts: NoticeFacts) -> str:
    if roles.has_role(submitter, roles.AUTHORITY):
        return Source.AUTHORITY
    if roles.has_role(submitter, roles.TRUSTED_FLAGGER):
        return Source.TRUSTED_FLAGGER
    return Source.ANONYMOUS if facts.is_anonymous else Source.PUBLIC


def _facts(complaint: Complaint | ComplaintInput, item_count: int, evidence_count: int) -> NoticeFacts:
    """What validity is judged on, from a stored complaint or from one being submitted."""
    return NoticeFacts(
        complainant_name=complaint.complainant_name,
        complainant_email=complaint.complainant_email,
        complainant_phone=complaint.complainant_phone,
        relationship=complaint.relationship,
        victim_name=complaint.victim_name,
        item_count=item_count,
        disclosed_info=tuple(complaint.disclosed_info),
        explanation=complaint.explanation,
        evidence_excerpt=complaint.evidence_excerpt,
        evidence_file_count=evidence_count,
        good_faith_declaration=complaint.good_faith_declaration,
    )


def _prepare_files(files: Sequence[UploadedEvidence], already: int = 0) -> list[PreparedEvidence]:
    if len(files) + already > settings.EVIDENCE_MAX_FILES:
        raise PayloadTooLarge(
            f"At most {settings.EVIDENCE_MAX_FILES} evidence files may be attached.",
            fields={"evidence": [f"At most {settings.EVIDENCE_MAX_FILES} files."]},
        )
    prepared = []
    for index, upload in enumerate(files):
        try:
            prepared.append(prepare_evidence(upload.name, upload.data))
        except DomainError as exc:
            # Say which file was refused, so the person knows which one to replace.
            exc.fields = {"evidence": {str(index): [f"{upload.name}: {exc.message}"]}}
            raise
    return prepared


def _store_evidence(complaint: Complaint, prepared: Sequence[PreparedEvidence], now: datetime) -> list[Evidence]:
    rows = []
    day = now.strftime("%Y/%m/%d")
    for item in prepared:
        stem = uuid.uuid4().hex
        original = default_storage.save(
            f"evidence/original/{day}/{stem}{item.extension}", ContentFile(item.data)
        )
        display = ""
        if item.display is not None:
            display = default_storage.save(
                f"evidence/display/{day}/{stem}{item.display_extension}", ContentFile(item.display)
            )
        rows.append(
            Evidence(
                complaint=complaint,
                original=original,
                display=display,
                original_name=item.original_name,
                content_type=item.content_type,
                size=len(item.data),
                sha256=item.sha256,
                received_at=now,
            )
        )
    return Evidence.objects.bulk_create(rows)


def _prime_items(complaint: Complaint, items: list[ComplaintItem]) -> None:
    """Make ``complaint.items.all()`` answer from rows already in hand (as prefetching does)."""
    queryset = complaint.items.all()
    queryset._result_cache = list(items)
    queryset._prefetch_done = True
    complaint._prefetched_objects_cache = {"items": queryset}


def _set_response_due(complaint: Complaint) -> None:
    """The response deadline of a notice that has just become valid."""
    complaint.response_due_at = response_due_at(
        complaint.valid_at, complaint.priority, complaint.policy.hours_by_priority
    )


def _start_response_clock(complaint: Complaint) -> None:
    """Schedule the notice's reminders and breach. Call after the row is saved."""
    timers.start_response_clock(complaint)


def complaint_submit(
    *,
    data: ComplaintInput,
    files: Sequence[UploadedEvidence] = (),
    channel: str,
    submitter=None,
    now: datetime | None = None,
) -> Submission:
    """Accept a notice: store it whole, judge validity, triage it, start its clock.

    Nothing is refused for being incomplete: a notice missing elements is stored as
    ``incomplete`` with the list of what is missing. With a ``client_key`` from an
    authenticated submitter the call is idempotent: a repeat returns the first notice.
    """
    if data.client_key and submitter is not None:
        existing = Complaint.objects.filter(submitter=submitter, client_key=data.client_key).first()
        if existing is not None:
            return Submission(existing, None, created=False)
    now = now or timezone.now()
    relationship = data.relationship
    victim_is_minor = data.victim_is_minor or relationship == Relationship.GUARDIAN
    facts = _facts(data, len(data.items), len(files))
    missing = missing_elements(facts)
    source = _source_for(submitter, facts)
    verdict = triage(
        disclosed_info=data.disclosed_info,
        harms=data.harms,
        victim_is_minor=victim_is_minor,
        source=source,
    )
    policy = current_policy()
    token = new_tracking_token()
    email = data.complainant_email.strip()
    complaint = Complaint(
        tracking_token_hash=hash_token(token),
        receipt_token=token if email else "",
        status=Complaint.Status.INCOMPLETE if missing else Complaint.Status.RECEIVED,
        channel=channel,
        source=source,
        relationship=relationship,
        submitter=submitter if getattr(submitter, "is_authenticated", False) else None,
        client_key=data.client_key if submitter is not None else "",
        complainant_name=data.complainant_name.strip(),
        complainant_email=email,
        complainant_phone=data.complainant_phone.strip(),
        complainant_id_number=data.complainant_id_number.strip(),
        victim_name=data.victim_name.strip(),
        victim_is_minor=victim_is_minor,
        is_anonymous=facts.is_anonymous,
        disclosed_info=sorted(set(data.disclosed_info)),
        harms=sorted(set(data.harms)),
        explanation=data.explanation,
        evidence_excerpt=data.evidence_excerpt,
        good_faith_declaration=data.good_faith_declaration,
        language=data.language,
        timezone=data.timezone,
        missing=missing,
        priority=verdict.priority,
        priority_reasons=list(verdict.reasons),
        threat_to_life=verdict.threat_to_life,
        policy=policy,
        received_at=now,
        valid_at=None if missing else now,
    )
    hooks.run(hooks.before_submit, complaint)
    prepared = _prepare_files(files)
    try:
        with transaction.atomic():
            if complaint.valid_at:
                _set_response_due(complaint)
            complaint.save(force_insert=True)
            items = ComplaintItem.objects.bulk_create(
                ComplaintItem(complaint=complaint, position=i, url=url, note=note)
                for i, (url, note) in enumerate(data.items)
            )
            # The hooks below read the items: hand them the rows just written, not a query.
            _prime_items(complaint, items)
            evidence = _store_evidence(complaint, prepared, now) if prepared else []
            audit_record(
                actor=actor_for(submitter) if submitter is not None else COMPLAINANT,
                code=Events.SUBMITTED,
                target=complaint,
                details={
                    "reference": complaint.reference,
                    "channel": channel,
                    "source": source,
                    "status": complaint.status,
                    "missing": missing,
                    "priority": verdict.priority,
                    "priority_reasons": list(verdict.reasons),
                    "policy_version": policy.version,
                    "response_due_at": complaint.response_due_at.isoformat() if complaint.response_due_at else None,
                    "items": len(data.items),
                    "evidence_sha256": [e.sha256 for e in evidence],
                },
            )
            if complaint.valid_at:
                _start_response_clock(complaint)
            hooks.run(hooks.on_submitted, complaint)
            if complaint.valid_at:
                hooks.run(hooks.on_became_valid, complaint)
    except IntegrityError:
        complaint._prefetched_objects_cache = {}
        if data.client_key and submitter is not None:
            existing = Complaint.objects.filter(submitter=submitter, client_key=data.client_key).first()
            if existing is not None:
                return Submission(existing, None, created=False)
        raise
    complaint._prefetched_objects_cache = {}  # later reads of the items go to the database
    if complaint.complainant_email:
        from complaints import tasks
        from takedown.tasks import enqueue

        enqueue(tasks.send_acknowledgement, complaint.pk, fallback_inline=True)
    return Submission(complaint, token, created=True)


def _revalidate(complaint: Complaint, *, actor: str, now: datetime) -> None:
    """Re-judge validity after the complainant added something; start the clock if now valid.

    Call while holding the complaint's row lock.
    """
    if complaint.status != Complaint.Status.INCOMPLETE:
        return
    missing = missing_elements(
        _facts(complaint, complaint.items.count(), complaint.evidence.count())
    )
    complaint.missing = missing
    if not missing:
        complaint.status = Complaint.Status.RECEIVED
        complaint.valid_at = now
        _set_response_due(complaint)
        audit_record(
            actor=actor,
            code=Events.BECAME_VALID,
            target=complaint,
            details={
                "reference": complaint.reference,
                "response_due_at": complaint.response_due_at.isoformat(),
                "policy_version": complaint.policy.version,
            },
        )
    complaint.save(update_fields=["missing", "status", "valid_at", "response_due_at", "updated_at"])
    if not missing:
        _start_response_clock(complaint)
        hooks.run(hooks.on_became_valid, complaint)


def complaint_add_evidence(
    *,
    complaint: Complaint,
    files: Sequence[UploadedEvidence] = (),
    excerpt: str = "",
    now: datetime | None = None,
) -> list[Evidence]:
    """The complainant adds evidence (files and/or a quoted excerpt) from the tracking page."""
    if not files and not excerpt.strip():
        raise InvalidInput("Attach a file or quote the text you saw.", fields={"evidence": ["Nothing to add."]})
    now = now or timezone.now()
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        prepared = _prepare_files(files, already=locked.evidence.count())
        rows = _store_evidence(locked, prepared, now)
        if excerpt.strip():
            joined = f"{locked.evidence_excerpt}\n\n{excerpt.strip()}" if locked.evidence_excerpt else excerpt.strip()
            locked.evidence_excerpt = joined
            locked.save(update_fields=["evidence_excerpt", "updated_at"])
        audit_record(
            actor=COMPLAINANT,
            code=Events.EVIDENCE_ADDED,
            target=locked,
            details={"evidence_sha256": [e.sha256 for e in rows], "excerpt_added": bool(excerpt.strip())},
        )
        _revalidate(locked, actor=COMPLAINANT, now=now)
        hooks.run(hooks.on_complainant_activity, locked)
    return rows


def complaint_complete(*, complaint: Complaint, data: ComplaintInput, now: datetime | None = None) -> Complaint:
    """The complainant supplies missing elements from the tracking page.

    Only blank fields are filled in: what was said earlier is part of the record and
    is never overwritten from a public link.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        filled = []
        for name in ("complainant_name", "complainant_email", "complainant_phone", "victim_name", "explanation"):
            value = getattr(data, name).strip()
            if value and not getattr(locked, name).strip():
                setattr(locked, name, value)
                filled.append(name)
        if data.disclosed_info and not locked.disclosed_info:
            locked.disclosed_info = sorted(set(data.disclosed_info))
            filled.append("disclosed_info")
        if data.good_faith_declaration and not locked.good_faith_declaration:
            locked.good_faith_declaration = True
            filled.append("good_faith_declaration")
        if data.items and not locked.items.exists():
            ComplaintItem.objects.bulk_create(
                ComplaintItem(complaint=locked, position=i, url=url, note=note)
                for i, (url, note) in enumerate(data.items)
            )
            filled.append("items")
        if not filled:
            raise InvalidInput("Nothing new was given.", code="nothing_to_add")
        locked.save()
        audit_record(actor=COMPLAINANT, code=Events.DETAILS_ADDED, target=locked, details={"fields": filled})
        _revalidate(locked, actor=COMPLAINANT, now=now)
        hooks.run(hooks.on_complainant_activity, locked)
    return locked


def complaint_add_message(*, complaint: Complaint, body: str, staff_user=None, now: datetime | None = None) -> Message:
    """A message on the case thread, from the complainant (no user) or from staff."""
    body = body.strip()
    if not body:
        raise InvalidInput("Write a message first.", fields={"body": ["This field is required."]})
    if len(body) > 5000:
        raise InvalidInput("Messages are limited to 5,000 characters.", fields={"body": ["Too long."]})
    now = now or timezone.now()
    author = Message.Author.PLATFORM if staff_user is not None else Message.Author.COMPLAINANT
    with transaction.atomic():
        message = Message.objects.create(
            complaint=complaint, author=author, staff_user=staff_user, body=body, created_at=now
        )
        audit_record(
            actor=actor_for(staff_user) if staff_user is not None else COMPLAINANT,
            code=Events.MESSAGE_ADDED,
            target=complaint,
            details={"message_id": message.pk, "author": author},
        )
        if staff_user is None:
            hooks.run(hooks.on_complainant_activity, complaint)
    return message


def deadline_policy_publish(*, actor: str, values: dict, note: str = "") -> DeadlinePolicy:
    """Publish a new version of the deadline policy; earlier versions stay as they were."""
    with transaction.atomic():
        latest = DeadlinePolicy.objects.select_for_update().order_by("-version").first()
        policy = DeadlinePolicy.objects.create(
            version=(latest.version + 1) if latest else 1, note=note, created_by=actor, **values
        )
        audit_record(
            actor=actor,
            code="policy.published",
            target=policy,
            details={"version": policy.version, **{k: v for k, v in values.items()}},
        )
    forget_cached_policy()
    return policy
