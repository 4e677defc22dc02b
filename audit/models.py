from __future__ import annotations

from django.db import models


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
