from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Timer(models.Model):
    """Something that must happen at ``due_at``: one row per timer, swept by state and time.

    Every timer of the product (response reminders and breaches, claim expiry,
    counter-notice waiting periods, appeal windows, hold and retention expiry,
    intervention expiry) is a row here; ``kind`` names the handler that runs when due
    (``deadlines.registry.timer_handlers``). The engine knows nothing of what the
    target is: ``target_type``/``target_id`` name it for the handler.
    """

    class State(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        CANCELLED = "cancelled"
        # The handler raised on every one of its attempts: kept for an operator to look at.
        FAILED = "failed"

    kind = models.CharField(max_length=40)
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    fired_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            # The sweep reads only pending rows in due order; the partial index keeps
            # that read small however many timers have already fired.
            models.Index(
                fields=["due_at"], condition=models.Q(state="pending"), name="timer_pending_due"
            ),
            models.Index(fields=["target_type", "target_id"], name="timer_target"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id", "due_at"], name="timer_unique_instant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_type}:{self.target_id} at {self.due_at:%Y-%m-%d %H:%M}"


class StaffNotification(models.Model):
    """Something a staff member must know about (a reminder, a breach), shown in the staff UI."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the e-mail copy went out, so a redelivered task never sends it twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["user", "-created_at"], name="notification_recent"),
        ]
        verbose_name = _("staff notification")

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id}: {self.subject}"


class OutboxMessage(models.Model):
    """An outbound effect (an e-mail, a delivery, a build) written in the transaction that
    causes it and carried out by the worker (``deadlines.outbox``).

    A row exists until its task has run without raising; a failed run is retried later
    with a growing delay, so an unreachable broker or mail server loses nothing.
    """

    task = models.CharField(max_length=100)
    args = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    # Not taken before this moment (the next attempt after a failure).
    available_at = models.DateTimeField()
    # A drain that took the row holds it until then; a drain that died lets it go again.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["available_at"], name="outbox_available")]
        verbose_name = _("outbox message")

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} (attempt {self.attempts})"
