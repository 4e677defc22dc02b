from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class ClockPause(models.Model):
    """A notice's response clock stopped while the platform waits for the complainant.

    The pending response timers are cancelled at pause; what they still had to run is
    kept here (as offsets from the pause) so that resuming puts every one of them back
    exactly as far ahead as it was.
    """

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="+")
    paused_at = models.DateTimeField()
    due_at_pause = models.DateTimeField()
    remaining_seconds = models.FloatField()
    # [{"kind", "offset_seconds", "payload"}] of the response timers cancelled at pause.
    pending_timers = models.JSONField(default=list)
    resumed_at = models.DateTimeField(null=True, blank=True)
    due_at_resume = models.DateTimeField(null=True, blank=True)

    class Meta:
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

    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()
    breached_at = models.DateTimeField()
    priority = models.CharField(max_length=2)
    policy_version = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["breached_at"], name="breach_when")]

    def __str__(self) -> str:
        return f"breach of complaint {self.complaint_id} (due {self.due_at:%Y-%m-%d %H:%M})"


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
