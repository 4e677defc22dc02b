"""Assessments of serious circumstances and referrals to the authorities."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from takedown.crypto import EncryptedTextField


class Assessment(models.Model):
    """The latest serious-circumstances assessment of one case or incident.

    Recomputed whenever what it rests on changes; each recomputation that changes the
    level is an audit event, so the history lives in the audit log, not here.
    """

    class Level(models.TextChoices):
        NONE = "none", _("No serious circumstances indicated")
        SERIOUS = "serious", _("Serious circumstances indicated")
        ESPECIALLY_SERIOUS = "especially_serious", _("Especially serious circumstances indicated")

    subject_type = models.CharField(max_length=20)  # complaint | incident
    subject_id = models.BigIntegerField()
    level = models.CharField(max_length=20, choices=Level.choices)
    percent = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)  # reports.seriousness.Result.as_dict()
    # What a moderator established beyond the notice itself (items counted in a leaked
    # list, use for a crime, grave consequences); kept across recomputations.
    staff_facts = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id"], name="assessment_one_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} {self.level}"


class Referral(models.Model):
    """A case, incident or alert handed to an authority, with its package and its log."""

    class Authority(models.TextChoices):
        CAC = "cac", _("Cyberspace Administration")
        PUBLIC_SECURITY = "public_security", _("Public security")
        PROCURATORATE = "procuratorate", _("Procuratorate")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the authority")
        CLOSED = "closed", _("Closed")
        DECLINED = "declined", _("Declined (not referred)")

    OPEN_STATUSES = (Status.PROPOSED, Status.SENT, Status.ACKNOWLEDGED)

    authority = models.CharField(max_length=20, choices=Authority.choices)
    subject_type = models.CharField(max_length=20)  # complaint | incident | alert
    subject_id = models.BigIntegerField()
    # The case, when the subject is one: lets the case page and the package find it.
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.PROPOSED)
    reason = models.TextField()
    automatic = models.BooleanField(default=False)
    proposed_by = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    authority_reference = models.CharField(max_length=100, blank=True)
    # The package as sent, without the complainants' contact data, which is kept
    # encrypted at rest in ``contacts`` (JSON: {case reference: {...}}) and put back in
    # when the package is shown; the digest covers the whole package.
    package = models.JSONField(default=dict, blank=True)
    contacts = EncryptedTextField(blank=True, default="")
    package_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Idempotent proposals: one open referral per subject and authority.
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "authority"],
                condition=models.Q(status__in=["proposed", "sent", "acknowledged"]),
                name="referral_one_open_per_subject_authority",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="referral_status_created")]

    def __str__(self) -> str:
        return f"referral {self.pk} {self.subject_type}:{self.subject_id} to {self.authority} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def subject_label(self) -> str:
        if self.complaint_id:
            return self.complaint.reference
        return f"{self.subject_type} {self.subject_id}"

    @property
    def subject_url(self) -> str:
        """The staff page of the subject."""
        if self.complaint_id:
            return f"/staff/cases/{self.complaint.reference}/"
        return {"incident": f"/staff/incidents/{self.subject_id}/", "alert": f"/staff/alerts/{self.subject_id}/"}.get(
            self.subject_type, ""
        )


class ReferralStep(models.Model):
    """One step in a referral's life, as the staff page shows it."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=14, choices=Referral.Status.choices)
    actor = models.CharField(max_length=64)
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"referral {self.referral_id}: {self.status} by {self.actor}"


class DsaSubmission(models.Model):
    """One call to the DSA Transparency Database's multiple-statements endpoint."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("Created")  # 201: every statement of the call is in the database
        REFUSED = "refused", _("Refused")  # 422: none created; the refused ones are recorded apart
        FAILED = "failed", _("Failed")  # no answer, 429, 5xx, 401...: tried again later

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    statements = models.PositiveSmallIntegerField()
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.statements} statements: {self.outcome}"


class DsaStatementResult(models.Model):
    """What became of one decision's statement of reasons: in the database (with its uuid),
    refused by it, or withheld here because it breaks the database's rules. One per decision;
    a decision without a row is still to be submitted."""

    class State(models.TextChoices):
        ACCEPTED = "accepted", _("In the database")
        REFUSED = "refused", _("Refused by the database")
        WITHHELD = "withheld", _("Withheld: breaks the database's rules")

    decision_id = models.BigIntegerField(unique=True)
    puid = models.CharField(max_length=500, unique=True)
    state = models.CharField(max_length=10, choices=State.choices)
    reason = models.CharField(max_length=40, blank=True)
    errors = models.JSONField(default=dict, blank=True)
    uuid = models.CharField(max_length=64, blank=True, help_text="The database's id of the statement")
    submission = models.ForeignKey(DsaSubmission, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="results")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.puid}: {self.state}"
