from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.vocabulary import Channel, Relationship, Source
from takedown.crypto import BlindIndexField, EncryptedTextField

REFERENCE_RE = re.compile(r"^TD-(\d{4})-(\d{6,})$")


class DeadlinePolicy(models.Model):
    """A version of the response-time policy. Never edited: a change is a new version.

    Every notice stores the version that set its deadline, so a later change of policy
    never rewrites what was promised earlier.
    """

    version = models.PositiveIntegerField(unique=True)
    p0_hours = models.PositiveIntegerField(default=24)
    p1_hours = models.PositiveIntegerField(default=72)
    p2_hours = models.PositiveIntegerField(default=168)
    reminder_fractions = models.JSONField(default=list, help_text="e.g. [0.5, 0.8]")
    counter_notice_wait_days = models.PositiveIntegerField(default=15)
    appeal_window_days = models.PositiveIntegerField(default=183)
    claim_minutes = models.PositiveIntegerField(default=30)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=64, default="system")

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "deadline policies"

    def __str__(self) -> str:
        return f"v{self.version}: P0 {self.p0_hours} h, P1 {self.p1_hours} h, P2 {self.p2_hours} h"

    @property
    def hours_by_priority(self) -> dict[str, int]:
        return {"P0": self.p0_hours, "P1": self.p1_hours, "P2": self.p2_hours}


class Complaint(models.Model):
    """A notice: one complainant's report about one or more locations.

    The reference (``TD-2026-000123``) is derived from the year of receipt and the
    primary key, so it costs no extra write and is unique by construction.
    """

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", _("Incomplete: information needed")
        RECEIVED = "received", _("Received")
        IN_REVIEW = "in_review", _("Being reviewed")
        WAITING_COMPLAINANT = "waiting_complainant", _("Waiting for your reply")
        DECIDED = "decided", _("Decided")
        CLOSED = "closed", _("Closed")

    OPEN_STATUSES = (Status.INCOMPLETE, Status.RECEIVED, Status.IN_REVIEW, Status.WAITING_COMPLAINANT)

    tracking_token_hash = models.CharField(max_length=64, unique=True)
    # The tracking token itself, sealed, only until the receipt e-mail has gone out (then
    # erased): the e-mail task reads it here, so the token never travels through the broker.
    receipt_token = EncryptedTextField(blank=True, editable=False)
    status = models.CharField(max_length=24, choices=Status.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client_key = models.CharField(max_length=100, blank=True)

    # Encrypted at rest (takedown.crypto): the database only ever holds ciphertext.
    complainant_name = EncryptedTextField(blank=True)
    complainant_email = EncryptedTextField(blank=True)
    complainant_phone = EncryptedTextField(blank=True)
    complainant_id_number = EncryptedTextField(blank=True)
    victim_name = EncryptedTextField(blank=True)
    # Keyed digests for equality lookups, computed on save. The victim is the complainant
    # when filing for oneself; the contact is the e-mail address, else the phone.
    victim_name_digest = BlindIndexField(source="victim_name|complainant_name", purpose="name", db_index=True)
    complainant_contact_digest = BlindIndexField(
        source="complainant_email|complainant_phone", purpose="contact", db_index=True
    )
    victim_is_minor = models.BooleanField(default=False)
    is_anonymous = models.BooleanField(default=False)

    disclosed_info = models.JSONField(default=list)
    harms = models.JSONField(default=list)
    # Free text: it often repeats the very information that was posted. Encrypted at rest.
    explanation = EncryptedTextField(blank=True)
    evidence_excerpt = EncryptedTextField(blank=True)
    good_faith_declaration = models.BooleanField(default=False)
    language = models.CharField(max_length=8, default="en")
    timezone = models.CharField(max_length=64, default="UTC")

    missing = models.JSONField(default=list)
    priority = models.CharField(max_length=2)
    priority_reasons = models.JSONField(default=list)
    threat_to_life = models.BooleanField(default=False)
    policy = models.ForeignKey(DeadlinePolicy, on_delete=models.PROTECT, related_name="+")

    received_at = models.DateTimeField()
    valid_at = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submitter", "client_key"],
                condition=~models.Q(client_key=""),
                name="complaint_unique_client_key",
            )
        ]
        indexes = [
            models.Index(fields=["priority", "response_due_at"], name="complaint_queue"),
            # Receipts not sent yet: a handful of rows, found without scanning the table.
            models.Index(fields=["received_at"], condition=~models.Q(receipt_token=""), name="complaint_receipt_pending"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"TD-{self.received_at.year}-{self.pk:06d}"

    @staticmethod
    def pk_from_reference(reference: str) -> tuple[int, int] | None:
        """(year, pk) of a reference, or None if it is not one."""
        match = REFERENCE_RE.match(reference or "")
        return (int(match[1]), int(match[2])) if match else None

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ComplaintItem(models.Model):
    """One location of the disclosed information: a URL or a platform content ID."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    url = models.TextField()
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "position"], name="item_unique_position")
        ]

    def __str__(self) -> str:
        return self.url


class Evidence(models.Model):
    """A file the complainant sent. The original bytes are kept unchanged."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence")
    original = models.FileField(upload_to="evidence/original/", max_length=200)
    display = models.FileField(upload_to="evidence/display/", max_length=200, blank=True)
    original_name = EncryptedTextField()  # often the victim's name and number
    content_type = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"


class Message(models.Model):
    """A message on a case's thread, seen by the complainant on the tracking page."""

    class Author(models.TextChoices):
        COMPLAINANT = "complainant", _("You")
        PLATFORM = "platform", _("Takedown desk")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=12, choices=Author.choices)
    # Which staff member wrote it is kept for the record, never shown to the complainant.
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = EncryptedTextField()
    created_at = models.DateTimeField()
    # A reply the complainant is told about by e-mail: due when written, stamped once sent
    # (the e-mail task claims the row under lock, so a second delivery sends nothing).
    email_due = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # Replies whose e-mail has not gone out: a handful of rows, found without a scan.
            models.Index(fields=["created_at"], condition=models.Q(email_due=True, emailed_at__isnull=True),
                         name="message_email_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class ClockPause(models.Model):
    """A notice's response clock stopped while the platform waits for the complainant.

    The pending response timers are cancelled at pause; what they still had to run is
    kept here (as offsets from the pause) so that resuming puts every one of them back
    exactly as far ahead as it was.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    paused_at = models.DateTimeField()
    due_at_pause = models.DateTimeField()
    remaining_seconds = models.FloatField()
    # [{"kind", "offset_seconds", "payload"}] of the response timers cancelled at pause.
    pending_timers = models.JSONField(default=list)
    resumed_at = models.DateTimeField(null=True, blank=True)
    due_at_resume = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "deadlines_clockpause"  # created by the deadlines app, which kept the clock once
        constraints = [
            # At most one open pause per notice: pausing twice must not lose the first one.
            models.UniqueConstraint(
                fields=["complaint"], condition=models.Q(resumed_at__isnull=True), name="clockpause_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"pause of complaint {self.complaint_id} at {self.paused_at:%Y-%m-%d %H:%M}"


class Breach(models.Model):
    """A notice not handled by its response deadline. Recorded once per notice, kept for reporting."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()
    breached_at = models.DateTimeField()
    priority = models.CharField(max_length=2)
    policy_version = models.PositiveIntegerField()

    class Meta:
        db_table = "deadlines_breach"
        indexes = [models.Index(fields=["breached_at"], name="breach_when")]

    def __str__(self) -> str:
        return f"breach of complaint {self.complaint_id} (due {self.due_at:%Y-%m-%d %H:%M})"
