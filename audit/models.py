from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One thing that happened to one object. Rows are only ever inserted.

    ``actor`` is a stable string (``user:12``, ``complainant``, ``platform:3``,
    ``system``) so that an exported event still names who acted after the account
    behind it is gone.

    ``entry`` is the event's canonical text (docs/AUDIT_FORMAT.md), the very bytes the
    log hashes into its leaf; the other columns are the same event in queryable form.
    ``audit.services.insert_event`` writes both in one statement, and on PostgreSQL a
    CHECK constraint (``audit.enforcement.ENTRY_CHECK``) keeps them equal for every
    row, whatever writes it.
    """

    created_at = models.DateTimeField()
    actor = models.CharField(max_length=64)
    code = models.CharField(max_length=64)
    target_type = models.CharField(max_length=40)
    target_id = models.CharField(max_length=64)
    details = models.JSONField(default=dict)
    entry = models.TextField(editable=False)

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id", "id"], name="audit_event_target")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.code} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        raise ValueError("audit events are append-only and written by audit.services.audit_record only")

    def delete(self, *args, **kwargs):
        raise ValueError("audit events are append-only")


class AppendOnly(models.Model):
    """Rows that are only ever inserted (the database triggers say the same)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are append-only")


class PendingEvent(models.Model):
    """An event committed but not yet given a log index.

    A database trigger inserts one row per new ``AuditEvent`` in the writer's own
    transaction, so the row becomes visible exactly when the event does: the
    sequencer can never miss an event whose transaction commits late, whatever its
    id. The sequencer deletes the rows it has sequenced.
    """

    event_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"pending event #{self.event_id}"


class LogEntry(AppendOnly):
    """Leaf ``index`` of the Merkle tree: which event it is and its leaf hash."""

    index = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(AuditEvent, on_delete=models.PROTECT, related_name="log_entry")
    leaf_hash = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"leaf {self.index} = event #{self.event_id}"


# Subtrees below this height are not stored: recomputing one from its at most 8 leaf
# hashes is cheaper than writing a row per leaf, and a proof reads only a few more rows.
MIN_STORED_LEVEL = 4


class TreeNode(AppendOnly):
    """Hash of the complete subtree ``index`` at ``level`` (>= MIN_STORED_LEVEL; smaller
    subtrees are recomputed from the LogEntry leaves).

    Stored once, when the subtree becomes complete, so a proof reads O(log n) rows.
    """

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="tree_node_position")]

    def __str__(self) -> str:
        return f"node ({self.level}, {self.index})"


class Checkpoint(AppendOnly):
    """A signed tree head. ``frontier`` (hex hashes) lets the sequencer resume the tree."""

    tree_size = models.BigIntegerField(unique=True)
    root_hash = models.BinaryField(max_length=32)
    note = models.TextField()
    frontier = models.JSONField(default=list)
    created_at = models.DateTimeField()

    class Meta:
        get_latest_by = "tree_size"

    def __str__(self) -> str:
        return f"checkpoint {self.tree_size}"


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
        indexes = [models.Index(fields=["state", "created_at"], name="export_state")]

    def __str__(self) -> str:
        return f"export {self.pk}"

    @property
    def bag_name(self) -> str:
        return f"export-{self.pk:06d}"
