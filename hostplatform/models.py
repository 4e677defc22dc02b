"""The outbox of webhooks to the host platform, and the built-in demo platform's log."""

from __future__ import annotations

from django.db import models


class WebhookDelivery(models.Model):
    """One instruction to the host platform, delivered at least once.

    Written in the transaction of the change that needs it (an outbox row), so an
    instruction is never lost to a crash between commit and publish; the receiving
    side de-duplicates on ``idempotency_key``, sent as the ``webhook-id`` header.
    """

    class State(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        FAILED = "failed"
        ESCALATED = "escalated"

    event = models.CharField(max_length=60)
    payload = models.JSONField()
    idempotency_key = models.CharField(max_length=120, unique=True)
    subject_type = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, help_text="The start of the receiver's last answer")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="webhook_subject"),
            models.Index(fields=["next_attempt_at"], condition=models.Q(state="pending"), name="webhook_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.idempotency_key} ({self.state})"


class DemoPlatformAction(models.Model):
    """What the built-in demo host platform was asked to do (one row per idempotency key)."""

    idempotency_key = models.CharField(max_length=120, unique=True)
    event = models.CharField(max_length=60)
    payload = models.JSONField()
    received_at = models.DateTimeField()
    times_received = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event} {self.idempotency_key}"
