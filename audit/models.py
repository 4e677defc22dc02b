from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """One thing that happened to one object. Rows are only ever inserted.

    ``actor`` is a stable string (``user:12``, ``complainant``, ``platform:3``,
    ``system``) so that an exported event still names who acted after the account
    behind it is gone.
    """

    created_at = models.DateTimeField()
    actor = models.CharField(max_length=64)
    code = models.CharField(max_length=64)
    target_type = models.CharField(max_length=40)
    target_id = models.CharField(max_length=64)
    details = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id", "id"], name="audit_event_target")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.code} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit events are append-only")
