"""Writes of the complaint channel. The web form and the API both call these."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from cachetools import TTLCache, cached
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actors
from complaints import clock, events, hooks
from complaints.evidence import PreparedEvidence, prepare_evidence
from complaints.models import Complaint, ComplaintItem, DeadlinePolicy, Evidence, Message
from complaints.triage import P0, response_due_at, triage
from complaints.validity import NoticeFacts, missing_elements
from complaints.vocabulary import Relationship, Source
from deadlines import outbox
from takedown import roles
from takedown.exceptions import DomainError, ErrorCode, InvalidInput, PayloadTooLarge


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


POLICY_CACHE_SECONDS = 5.0
_policy: TTLCache = TTLCache(maxsize=1, ttl=POLICY_CACHE_SECONDS)


@cached(_policy, key=lambda: "current", lock=threading.Lock())
def current_policy() -> DeadlinePolicy:
    """The newest deadline policy (cached a few seconds per process: read on every intake).

    Another process sees a newly published version within POLICY_CACHE_SECONDS; this one
    at once (``deadline_policy_publish`` forgets it).
    """
    policy = DeadlinePolicy.objects.order_by("-version").first()
    if policy is None:
        policy, _created = DeadlinePolicy.objects.get_or_create(
            version=1, defaults={"reminder_fractions": [0.5, 0.8], "note": "defaults"}
        )
    return policy


def forget_cached_policy() -> None:
    _policy.clear()


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
            _("At most %(n)s evidence files may be attached.") % {"n": settings.EVIDENCE_MAX_FILES},
            fields={"evidence": [_("At most %(n)s files.") % {"n": settings.EVIDENCE_MAX_FILES}]},
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


def _new_complaint(data: ComplaintInput, *, channel: str, submitter, file_count: int,
                   now: datetime, token: str | None = None) -> tuple[Complaint, str]:
    """The unsaved notice, judged and triaged, and its tracking token (in clear only here)."""
    relationship = data.relationship
    victim_is_minor = data.victim_is_minor or relationship == Relationship.GUARDIAN
    facts = _facts(data, len(data.items), file_count)
    missing = missing_elements(facts)
    source = _source_for(submitter, facts)
    verdict = triage(
        disclosed_info=data.disclosed_info,
        harms=data.harms,
        victim_is_minor=victim_is_minor,
        source=source,
    )
    policy = current_policy()
    token = token or new_tracking_token()
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
    return complaint, token


def complaint_submit(
    *,
    data: ComplaintInput,
    files: Sequence[UploadedEvidence] = (),
    channel: str,
    submitter=None,
    now: datetime | None = None,
    tracking_token: str | None = None,
) -> Submission:
    """Accept a notice: store it whole, judge validity, triage it, start its clock.

    Nothing is refused for being incomplete: a notice missing elements is stored as
    ``incomplete`` with the list of what is missing. With a ``client_key`` from an
    authenticated submitter the call is idempotent: a repeat returns the first notice.
    ``tracking_token`` is for the demo data only (a token derived from the development
    key, so ``seed_demo`` can print the same link on every run); otherwise a fresh random one.
    """
    if data.client_key and submitter is not None:
        existing = Complaint.objects.filter(submitter=submitter, client_key=data.client_key).first()
        if existing is not None:
            return Submission(existing, None, created=False)
    now = now or timezone.now()
    complaint, token = _new_complaint(data, channel=channel, submitter=submitter, file_count=len(files), now=now,
                                      token=tracking_token)
    hooks.before_submit(complaint)
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
            events.submitted(
                actor=actors.for_user(submitter) if submitter is not None else actors.COMPLAINANT,
                complaint=complaint,
                channel=channel,
                evidence_sha256=[e.sha256 for e in evidence],
                items=len(data.items),
            )
            if complaint.valid_at:
                clock.start(complaint)
            hooks.submitted(complaint)
            if complaint.complainant_email:
                from complaints import tasks

                outbox.enqueue(tasks.send_acknowledgement, complaint.pk)
    except IntegrityError:
        complaint._prefetched_objects_cache = {}
        if data.client_key and submitter is not None:
            existing = Complaint.objects.filter(submitter=submitter, client_key=data.client_key).first()
            if existing is not None:
                return Submission(existing, None, created=False)
        raise
    complaint._prefetched_objects_cache = {}  # later reads of the items go to the database
    return Submission(complaint, token, created=True)


def _complainant_acted(complaint: Complaint) -> None:
    """The complainant answered: a clock stopped for them runs again; other apps react."""
    clock.resume_on_complainant_activity(complaint)
    hooks.complainant_activity(complaint)


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
        events.became_valid(actor=actor, complaint=complaint)
    complaint.save(update_fields=["missing", "status", "valid_at", "response_due_at", "updated_at"])
    if not missing:
        clock.start(complaint)


def complaint_add_evidence(
    *,
    complaint: Complaint,
    files: Sequence[UploadedEvidence] = (),
    excerpt: str = "",
    now: datetime | None = None,
) -> list[Evidence]:
    """The complainant adds evidence (files and/or a quoted excerpt) from the tracking page."""
    if not files and not excerpt.strip():
        raise InvalidInput(_("Attach a file or quote the text you saw."), fields={"evidence": [_("Nothing to add.")]})
    now = now or timezone.now()
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        prepared = _prepare_files(files, already=locked.evidence.count())
        rows = _store_evidence(locked, prepared, now)
        if excerpt.strip():
            joined = f"{locked.evidence_excerpt}\n\n{excerpt.strip()}" if locked.evidence_excerpt else excerpt.strip()
            locked.evidence_excerpt = joined
            locked.save(update_fields=["evidence_excerpt", "updated_at"])
        events.evidence_added(complaint=locked, evidence_sha256=[e.sha256 for e in rows],
                              excerpt_added=bool(excerpt.strip()))
        _revalidate(locked, actor=actors.COMPLAINANT, now=now)
        _complainant_acted(locked)
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
            raise InvalidInput(_("Nothing new was given."), code=ErrorCode.NOTHING_TO_ADD)
        locked.save()
        events.details_added(complaint=locked, fields=filled)
        _revalidate(locked, actor=actors.COMPLAINANT, now=now)
        _complainant_acted(locked)
    return locked


def complaint_add_message(*, complaint: Complaint, body: str, staff_user=None, now: datetime | None = None) -> Message:
    """A message on the case thread, from the complainant (no user) or from staff."""
    body = body.strip()
    if not body:
        raise InvalidInput(_("Write a message first."), fields={"body": [_("This field is required.")]})
    if len(body) > 5000:
        raise InvalidInput(_("Messages are limited to 5,000 characters."), fields={"body": [_("Too long.")]})
    now = now or timezone.now()
    author = Message.Author.PLATFORM if staff_user is not None else Message.Author.COMPLAINANT
    with transaction.atomic():
        message = Message.objects.create(
            complaint=complaint, author=author, staff_user=staff_user, body=body, created_at=now
        )
        events.message_added(complaint=complaint, message=message, staff_user=staff_user)
        if staff_user is None:
            _complainant_acted(complaint)
    return message


def deadline_policy_publish(*, actor: str, values: dict, note: str = "") -> DeadlinePolicy:
    """Publish a new version of the deadline policy; earlier versions stay as they were."""
    with transaction.atomic():
        latest = DeadlinePolicy.objects.select_for_update().order_by("-version").first()
        policy = DeadlinePolicy.objects.create(
            version=(latest.version + 1) if latest else 1, note=note, created_by=actor, **values
        )
        events.policy_published(actor=actor, policy=policy, values=values)
    forget_cached_policy()
    return policy


def complaint_raise_priority(*, complaint: Complaint, reason: str, actor: str) -> None:
    """Make a case P0 and pull its response deadline forward if that shortens it.

    Only ever raises: a deadline already promised is never pushed back. The caller's
    copy of the complaint is updated too.
    """
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().select_related("policy").get(pk=complaint.pk)
        if locked.priority == P0:
            return
        previous = locked.priority
        locked.priority = P0
        locked.priority_reasons = [*locked.priority_reasons, reason]
        fields = ["priority", "priority_reasons", "updated_at"]
        moved = False
        # Only a running clock is moved: a paused one (waiting for the complainant) is
        # restarted with the time it had left, so there the raise changes the case's
        # place in the queue, not its deadline.
        clock_running = locked.status in (Complaint.Status.RECEIVED, Complaint.Status.IN_REVIEW)
        if locked.valid_at and locked.response_due_at and clock_running:
            due = response_due_at(locked.valid_at, P0, locked.policy.hours_by_priority)
            if due < locked.response_due_at:
                locked.response_due_at = due
                fields.append("response_due_at")
                moved = True
        locked.save(update_fields=fields)
        if moved:
            clock.restart(locked)
        events.priority_raised(actor=actor, complaint=locked, previous=previous, reason=reason)
        complaint.priority = locked.priority
        complaint.priority_reasons = locked.priority_reasons
        complaint.response_due_at = locked.response_due_at


# Personal data of a complaint, erased when its retention ends.
PERSONAL_FIELDS = (
    "complainant_name",
    "complainant_email",
    "complainant_phone",
    "complainant_id_number",
    "victim_name",
    "explanation",
    "evidence_excerpt",
    "receipt_token",
)


def complaint_erase_personal_data(*, complaint: Complaint, actor: str) -> dict[str, int]:
    """Remove a case's personal data here and in every app that keeps some; return counts.

    Names, contacts, the ID number, free text and evidence files go; the evidence rows
    stay with their SHA-256, so the audit log (which never held personal data) still
    verifies and an export made before still matches. Call inside a transaction; the
    higher layers erase their own through ``hooks.erase_personal_data``.
    """
    hooks.case_change(complaint, actor=actor, action="erase_personal_data")
    for name in PERSONAL_FIELDS:
        setattr(complaint, name, "")
    complaint.save(
        update_fields=[*PERSONAL_FIELDS, "victim_name_digest", "complainant_contact_digest", "updated_at"]
    )
    files = 0
    for evidence in complaint.evidence.all():
        for stored in (evidence.original, evidence.display):
            if stored:
                name = stored.name
                transaction.on_commit(lambda storage=stored.storage, name=name: storage.delete(name))
                files += 1
        evidence.original = ""
        evidence.display = ""
        evidence.original_name = ""
        evidence.save(update_fields=["original", "display", "original_name"])
    messages = complaint.messages.exclude(body="").update(body="")
    counts = {"files": files, "messages": messages}
    for erased in hooks.erase_personal_data(complaint):
        counts.update(erased)
    return counts
