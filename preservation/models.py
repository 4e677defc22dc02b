"""Preservation: legal requests, legal holds and investigator exports.

These tables were created by the audit app and keep their names (``audit_*``): the
models moved here when the audit log became a core that depends on no domain app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class LegalRequest(models.Model):
    """A request from an authority, registered before any investigator sees a case.

    ``complaints`` is the scope resolved at registration (from case references and/or
    a victim); ``investigators`` are the accounts that may work on it until
    ``expires_at`` (or until revoked).
    """

    authority = models.CharField(max_length=200)
    reference_number = models.CharField(max_length=100)
    legal_basis = models.TextField()
    scope_references = models.JSONField(default=list, blank=True)
    scope_victim = models.CharField(max_length=200, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    requesting_officer = models.CharField(max_length=200)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    complaints = models.ManyToManyField("complaints.Complaint", related_name="+")
    investigators = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="legal_requests")

    class Meta:
        db_table = "audit_legalrequest"
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "reference_number"], name="legal_request_unique_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority} {self.reference_number}"

    def is_live(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.expires_at > at


class LegalHold(models.Model):
    """A freeze of cases: nothing in scope may change while ``released_at`` is empty.

    ``manifest`` lists a SHA-256 of every record in scope at the moment of the hold;
    ``manifest_sha256`` is the hash of its canonical JSON, also in the audit event.
    """

    reason = models.TextField()
    legal_request = models.ForeignKey(
        LegalRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="holds"
    )
    complaints = models.ManyToManyField("complaints.Complaint", related_name="+")
    placed_by = models.CharField(max_length=64)
    placed_at = models.DateTimeField()
    released_by = models.CharField(max_length=64, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    manifest = models.JSONField(default=dict)
    manifest_sha256 = models.CharField(max_length=64)

    class Meta:
        db_table = "audit_legalhold"

    def __str__(self) -> str:
        return f"hold {self.pk}"

    @property
    def is_live(self) -> bool:
        return self.released_at is None


class Export(models.Model):
    """One investigator export package, built in the background."""

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    legal_request = models.ForeignKey(LegalRequest, on_delete=models.PROTECT, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    complaints = models.ManyToManyField("complaints.Complaint", related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    event_count = models.PositiveIntegerField(null=True, blank=True)
    tree_size = models.BigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        db_table = "audit_export"
        indexes = [models.Index(fields=["state", "created_at"], name="export_state")]

    def __str__(self) -> str:
        return f"export {self.pk}"

    @property
    def bag_name(self) -> str:
        return f"export-{self.pk:06d}"
