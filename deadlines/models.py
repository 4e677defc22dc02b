from __future__ import annotations

from django.db import models


class Timer(models.Model):
    """Something that must happen at ``due_at``: one row per timer, swept by state and time.

    Every timer of the product (response reminders and breaches, claim expiry,
    counter-notice waiting periods, appeal windows, hold and retention expiry,
    intervention expiry) is a row here; ``kind`` names the handler that runs when due.
    """

    class State(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        CANCELLED = "cancelled"

    kind = models.CharField(max_length=40)
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    fired_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=40, blank=True)

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
