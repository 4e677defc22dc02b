"""The host platforms of the group, their secrets and accounts, where each reported item
goes, the outbox of webhooks to them, and the built-in demo platform's log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from complaints.models import ComplaintItem
from takedown.crypto import EncryptedTextField


class Platform(models.Model):
    """One host platform of the group the desk serves (SPEC section 1).

    A platform owns host suffixes (``domains``: ``forum.example`` owns ``m.forum.example``)
    and content-ID prefixes (``forum`` owns ``forum:123``); the items of a notice found there
    are its own, reach it by its own signed webhook and are reported back by its own token.
    The default platform is the one configured in settings before there were several: with
    no webhook URL or secrets of its own it uses ``HOST_PLATFORM_WEBHOOK_URL`` and
    ``WEBHOOK_SECRETS``, and while it owns no domain it receives every item no other
    platform owns.
    """

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=40, unique=True)
    domains = models.JSONField(default=list, blank=True, help_text="Host suffixes, e.g. forum.example")
    content_id_prefixes = models.JSONField(default=list, blank=True, help_text="e.g. forum for forum:123")
    languages = models.JSONField(default=list, blank=True, help_text="Language codes of its users, e.g. zh-hans")
    webhook_url = models.URLField(max_length=500, blank=True)
    dsa_platform_id = models.CharField(
        max_length=60, blank=True, help_text="Its identifier in the DSA Transparency Database (puid prefix)"
    )
    shares_staydown = models.BooleanField(default=False, help_text="Screening catches values removed on other platforms")
    shares_signals = models.BooleanField(default=False, help_text="Its signals add up with other platforms' on a target")
    is_default = models.BooleanField(default=False, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True), name="one_default_platform"),
        ]

    def __str__(self) -> str:
        return self.name


class PlatformSecret(models.Model):
    """A webhook signing secret of one platform (``whsec_`` + base64). Every active secret
    signs each delivery, newest first, so the platform can rotate without downtime."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="secrets")
    secret = EncryptedTextField(editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"secret {self.pk} of {self.platform_id} ({'active' if self.active else 'retired'})"


class PlatformAccount(models.Model):
    """An API account (and so its token) that acts for one platform and sees only its data."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="platform_account")
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="accounts")

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.platform_id}"


class ItemRoute(models.Model):
    """Which platform a reported item is on: fixed when the notice is stored.

    ``platform`` is null for a site outside the group: the item is kept and shown to
    staff, and the complainant is told the desk cannot act on it there.
    """

    item = models.OneToOneField(ComplaintItem, on_delete=models.CASCADE, related_name="route")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, null=True, blank=True, related_name="routes")
    site = models.CharField(max_length=255, help_text="The normalised host, or the content-ID prefix")

    class Meta:
        indexes = [models.Index(fields=["platform", "item"], name="route_platform")]

    def __str__(self) -> str:
        return f"item {self.item_id} -> {self.platform_id or 'outside the group'} ({self.site})"


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
    # Null: the default platform (deliveries queued before there were several).
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries")
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
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    event = models.CharField(max_length=60)
    payload = models.JSONField()
    received_at = models.DateTimeField()
    times_received = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event} {self.idempotency_key}"
