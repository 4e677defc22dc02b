"""Records of the special preventive duty.

Nothing here holds personal information in clear: staydown fingerprints are keyed
hashes, and the names of protected persons are encrypted at rest (see
``prevention.protection``). Signal counts are keyed by the host platform's opaque
target keys.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from takedown.crypto import EncryptedTextField

CONTEXTS = ("post", "comment", "message", "profile", "search")
VERDICTS = ("allow", "warn", "limit", "block")
# Severity order of verdicts: the strictest rule that applies wins.
VERDICT_RANK = {v: i for i, v in enumerate(VERDICTS)}

# Kinds a screening rule can name: the detector kinds, plus two that screening derives.
RULE_KINDS = (
    "id_number",
    "phone",
    "bank_card",
    "email",
    "licence_plate",
    "address",
    "protected_name",
    # A protected person's name in the same text as any other personal information:
    # the pattern of a doxxing post, stricter than either alone.
    "protected_name_with_info",
    # A value removed in a decided case, posted again.
    "staydown",
)

# A target's key as stored: a platform's own key (at most 128 characters), in a platform
# that does not share signals prefixed with its slug (at most 40) and "/" (prevention.signals).
TARGET_KEY_CHARS = 170


class ScreeningRule(models.Model):
    """What screening answers when it finds ``kind`` in a text of ``context``.

    ``context`` "*" is the fallback for every context without its own rule. ``platform``
    empty: the group's rule; set: that platform's own rule, which takes the place of the
    group's for the same kind (and context) when that platform screens. Edited in the
    admin; screening reads the table through a short per-process cache.
    """

    platform = models.ForeignKey(
        "hostplatform.Platform", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text=_("Empty: the rule of every platform of the group; set: this platform's own rule."),
    )

    context = models.CharField(
        max_length=10, choices=[(c, c) for c in (*CONTEXTS, "*")], default="*"
    )
    kind = models.CharField(max_length=30, choices=[(k, k) for k in RULE_KINDS])
    verdict = models.CharField(max_length=5, choices=[(v, v) for v in VERDICTS])
    min_confidence = models.FloatField(
        default=0.0, help_text=_("Findings below this confidence do not trigger the rule.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "context"]
        constraints = [
            models.UniqueConstraint(fields=["context", "kind"], condition=models.Q(platform__isnull=True),
                                    name="screening_rule_unique"),
            models.UniqueConstraint(fields=["platform", "context", "kind"], condition=models.Q(platform__isnull=False),
                                    name="screening_rule_unique_platform"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} in {self.context}: {self.verdict}" + (f" ({self.platform})" if self.platform_id else "")


class Fingerprint(models.Model):
    """A value removed in a decided case, as a keyed hash (never the value itself).

    ``digest`` is HMAC-SHA256 under ``FINGERPRINT_KEY`` over ``kind:normalized``: without
    the key the table cannot be searched for a guessed phone or ID number.
    """

    digest = models.CharField(max_length=64)
    kind = models.CharField(max_length=20)
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="+"
    )
    case_reference = models.CharField(max_length=24)
    decision_id = models.BigIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["digest"], name="fingerprint_digest")]
        constraints = [
            models.UniqueConstraint(fields=["digest", "complaint"], name="fingerprint_unique_case")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.digest[:12]}… ({self.case_reference})"


class SignalBucket(models.Model):
    """Activity on one target in one time bucket, when counting without Redis."""

    target = models.CharField(max_length=TARGET_KEY_CHARS)
    bucket = models.BigIntegerField(help_text="Start of the bucket, in seconds since the epoch")
    post = models.PositiveIntegerField(default=0)
    share = models.PositiveIntegerField(default=0)
    search = models.PositiveIntegerField(default=0)
    comment = models.PositiveIntegerField(default=0)
    report = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "bucket"], name="signal_bucket_unique")
        ]
        indexes = [models.Index(fields=["bucket"], name="signal_bucket_time")]

    def __str__(self) -> str:
        return f"{self.target} @ {self.bucket}"


class TargetBaseline(models.Model):
    """The spike detector's memory of one target (see ``prevention.spikes``)."""

    target = models.CharField(max_length=TARGET_KEY_CHARS, unique=True)
    mean = models.FloatField(default=0.0)
    var = models.FloatField(default=0.0)
    observed = models.PositiveIntegerField(default=0)
    last_bucket = models.BigIntegerField(default=0)
    cooldown_until = models.BigIntegerField(default=0)

    class Meta:
        # Housekeeping forgets the baselines of targets quiet for longer than the retention.
        indexes = [models.Index(fields=["last_bucket"], name="baseline_last_bucket")]

    def __str__(self) -> str:
        return f"{self.target}: {self.mean:.1f} per bucket"


class DetectorCursor(models.Model):
    """The last bucket the spike detector has scored (one row)."""

    name = models.CharField(max_length=20, unique=True, default="spikes")
    last_bucket = models.BigIntegerField(default=0)
    # Buckets before this one only teach baselines: after a cold start (or a long
    # outage) every target would otherwise look new and set off an alert.
    warm_from = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_bucket}"


class Alert(models.Model):
    """A target whose activity rose far above its own baseline."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CLOSED = "closed", _("Closed")

    class Severity(models.TextChoices):
        RISE = "rise", _("Unusual rise")
        SHARP = "sharp", _("Sharp rise")

    target = models.CharField(max_length=TARGET_KEY_CHARS)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    severity = models.CharField(max_length=5, choices=Severity.choices)
    bucket = models.BigIntegerField(help_text="Start of the bucket that set the alert off")
    bucket_seconds = models.PositiveIntegerField()
    count = models.PositiveIntegerField()
    expected = models.FloatField()
    score = models.FloatField(help_text="-log10 of the Poisson tail probability")
    by_type = models.JSONField(default=dict)
    explanation = models.TextField()
    # What the detector saw: counts of the recent buckets and the baseline of each.
    series = models.JSONField(default=list)
    referral_proposed = models.CharField(max_length=20, blank=True)
    referral_id = models.BigIntegerField(null=True, blank=True)
    raised_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["state", "-raised_at"], name="alert_state_time")]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} on {self.target}"


class Intervention(models.Model):
    """A measure the host platform applies to slow a target down, until it expires.

    One-click protection of a victim is an intervention too (kind ``victim_protection``,
    linked to the complaint), so expiry, webhooks and the audit trail work the same.
    """

    class Kind(models.TextChoices):
        TRAFFIC_LIMIT = "traffic_limit", _("Traffic limitation")
        INTERSTITIAL = "interstitial", _("Warning interstitial")
        COMMENT_LOCK = "comment_lock", _("Comment lock")
        REPOST_LOCK = "repost_lock", _("Repost lock")
        SEARCH_SUPPRESSION = "search_suppression", _("Search suppression")
        VICTIM_PROTECTION = "victim_protection", _("Protection for a victim")

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        LIFTED = "lifted", _("Lifted")
        EXPIRED = "expired", _("Expired")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    target = models.CharField(max_length=TARGET_KEY_CHARS, blank=True)
    params = models.JSONField(default=dict, blank=True)
    reason = models.TextField()
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.PROTECT, related_name="interventions"
    )
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Only for victim protection: the name screening should match, encrypted at rest.
    protected_name = EncryptedTextField(blank=True)
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_actor = models.CharField(max_length=64)
    ended_actor = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "kind"], name="intervention_state_kind"),
            models.Index(fields=["complaint", "state"], name="intervention_complaint"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target or self.complaint_id}"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE
