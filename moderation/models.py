"""Review of notices: claims, decisions with their statement of reasons, the poster's
notice, counter-notices, appeals, incidents and misuse of the notice channel.

Field names are read by the reports app (statements of reasons, transparency): see
docs/MODERATION.md before renaming any.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintItem
from takedown.crypto import EncryptedTextField


class Claim(models.Model):
    """A moderator's exclusive hold on a case while reviewing it. Expires unless renewed."""

    class State(models.TextChoices):
        ACTIVE = "active"
        RELEASED = "released"
        EXPIRED = "expired"
        DECIDED = "decided"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="claims")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims")
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Never two moderators on one case: the database refuses a second active claim.
            models.UniqueConstraint(
                fields=["complaint"], condition=models.Q(state="active"), name="claim_one_active_per_case"
            )
        ]
        indexes = [models.Index(fields=["moderator", "state"], name="claim_moderator_state")]

    def __str__(self) -> str:
        return f"claim {self.complaint_id} by {self.moderator_id} ({self.state})"


class Measure(models.TextChoices):
    REMOVE = "remove", _("Remove the content")
    DISABLE = "disable", _("Disable access")
    RESTRICT_VISIBILITY = "restrict_visibility", _("Restrict visibility (demote)")
    RESTRICT_INTERACTION = "restrict_interaction", _("Restrict interaction (comments, reposts)")
    SUSPEND_ACCOUNT = "suspend_account", _("Suspend the poster's account")
    NO_ACTION = "no_action", _("No action")
    REQUEST_INFO = "request_info", _("Ask the complainant for more information")


# Measures the host platform carries out on the content (and may later lift).
RESTRICTIVE_MEASURES = frozenset(
    {Measure.REMOVE, Measure.DISABLE, Measure.RESTRICT_VISIBILITY, Measure.RESTRICT_INTERACTION, Measure.SUSPEND_ACCOUNT}
)


class Incident(models.Model):
    """Many notices about one victim or one leak, reviewed and decided together."""

    class Kind(models.TextChoices):
        SAME_VICTIM = "same_victim", _("Same victim")
        SAME_LEAK = "same_leak", _("Same leak")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    complaints = models.ManyToManyField(Complaint, through="IncidentCase", related_name="incidents")

    def __str__(self) -> str:
        return f"incident {self.pk}: {self.title}"


class IncidentCase(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="memberships")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="incident_memberships")
    added_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "complaint"], name="incident_case_unique")]

    def __str__(self) -> str:
        return f"incident {self.incident_id}: case {self.complaint_id}"


class Decision(models.Model):
    """A decision on a notice with its full statement of reasons (DSA Art. 17)."""

    class GroundType(models.TextChoices):
        LEGAL = "legal", _("Illegal content")
        TERMS = "terms", _("Incompatible with the terms of service")

    class State(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        LIFTED = "lifted", _("Lifted after a counter-notice")
        REVERSED = "reversed", _("Reversed on appeal")
        EXPIRED = "expired", _("Ended on its end date")

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="decisions")
    measure = models.CharField(max_length=24, choices=Measure.choices)
    # ComplaintItem ids the measure applies to (all of the notice's items by default).
    item_ids = models.JSONField(default=list)
    territorial_scope = models.JSONField(default=list, help_text="ISO 3166-1 alpha-2 codes; empty = worldwide")
    end_date = models.DateField(null=True, blank=True)
    facts = models.TextField()
    ground_type = models.CharField(max_length=8, choices=GroundType.choices, default=GroundType.LEGAL)
    legal_ground = models.TextField()
    explanation = models.TextField()
    automated_detection = models.BooleanField(default=False)
    automated_decision = models.BooleanField(default=False)
    redress = models.TextField()
    # Marked by the moderator on a no_action decision: feeds the misuse assessment (DSA Art. 23).
    manifestly_unfounded = models.BooleanField(default=False)
    # Who filed the notice, as the misuse policy counts them (see SubmitterStanding).
    submitter_key = models.CharField(max_length=80, blank=True, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions")
    decided_at = models.DateTimeField()
    # The case version (the complaint's updated_at) the moderator saw when deciding.
    based_on_version = models.CharField(max_length=40)
    state = models.CharField(max_length=10, choices=State.choices, default=State.IN_FORCE)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    # Set on a decision taken when an appeal reversed an earlier one.
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    # Set in the transaction that sent the complainant's e-mail, so a second run sends nothing.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["decided_at"], name="decision_decided_at")]

    def __str__(self) -> str:
        return f"decision {self.pk} on {self.complaint_id}: {self.measure}"

    @property
    def is_restrictive(self) -> bool:
        return self.measure in RESTRICTIVE_MEASURES


class ItemAction(models.Model):
    """The state of one measure (or its lifting) on one item at the host platform."""

    class Kind(models.TextChoices):
        APPLY = "apply"
        LIFT = "lift"

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        ESCALATED = "escalated", _("Escalated")
        # The item is on a site outside the group of platforms: nobody can carry it out.
        OUTSIDE = "outside", _("Not on a participating platform")
        REFUSED = "refused", _("Refused by the platform")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="item_actions")
    item = models.ForeignKey(ComplaintItem, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.APPLY)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    updated_at = models.DateTimeField()
    # The platform's own report (POST /api/v1/platforms/<slug>/actions/<id>): carried out or
    # refused, and why. Once reported, delivery outcomes no longer change the state.
    reported_at = models.DateTimeField(null=True, blank=True)
    platform_note = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["decision", "item", "kind"], name="item_action_unique")]

    def __str__(self) -> str:
        return f"{self.kind} item {self.item_id} of decision {self.decision_id}: {self.state}"


class PosterNotice(models.Model):
    """The notice forwarded to the poster, minus the complainant's contact details.

    The poster's private link (``/counter-notice/<token>/``) carries a 256-bit token;
    only its SHA-256 is stored.
    """

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="poster_notice")
    token_hash = models.CharField(max_length=64, unique=True)
    # False for anonymous notices: they do not start the counter-notice process.
    counter_notice_allowed = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"poster notice of decision {self.decision_id}"


class CounterNotice(models.Model):
    """The poster's objection (Civil Code Art. 1196): identity and evidence of no infringement."""

    class State(models.TextChoices):
        FORWARDING = "forwarding", _("Being forwarded to the complainant")
        WAITING = "waiting", _("Waiting period running")
        LIFTED = "lifted", _("Measure lifted")
        KEPT_UNLAWFUL = "kept_unlawful", _("Measure kept: the content is unlawful in itself")
        HELD = "held", _("Complainant went to an authority or court: case on hold")
        WITHDRAWN = "withdrawn", _("Ended: the decision changed")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="counter_notices")
    # The poster's identity is personal data: encrypted at rest like the complainant's.
    poster_name = EncryptedTextField()
    poster_email = EncryptedTextField(blank=True)
    poster_phone = EncryptedTextField(blank=True)
    poster_id_number = EncryptedTextField(blank=True)
    statement = EncryptedTextField()
    evidence = EncryptedTextField(help_text="The poster's preliminary evidence of no infringement")
    state = models.CharField(max_length=14, choices=State.choices, default=State.FORWARDING)
    received_at = models.DateTimeField()
    forwarded_at = models.DateTimeField(null=True, blank=True)
    wait_ends_at = models.DateTimeField(null=True, blank=True)
    proof_received_at = models.DateTimeField(null=True, blank=True)
    proof_kind = models.CharField(max_length=20, blank=True)  # authority_complaint | lawsuit
    proof_note = EncryptedTextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision"],
                condition=models.Q(state__in=["forwarding", "waiting"]),
                name="counter_notice_one_open_per_decision",
            )
        ]

    def __str__(self) -> str:
        return f"counter-notice {self.pk} on decision {self.decision_id}: {self.state}"


class Appeal(models.Model):
    """An appeal against a decision (DSA Art. 20), decided by a different moderator."""

    class Side(models.TextChoices):
        COMPLAINANT = "complainant", _("Complainant")
        POSTER = "poster", _("Poster")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Decision upheld")
        REVERSED = "reversed", _("Decision reversed")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    side = models.CharField(max_length=12, choices=Side.choices)
    grounds = EncryptedTextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    filed_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField(blank=True)
    new_decision = models.OneToOneField(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="from_appeal")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "side"], condition=models.Q(state="open"), name="appeal_one_open_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"appeal {self.pk} ({self.side}) on decision {self.decision_id}: {self.state}"


class SubmitterStanding(models.Model):
    """Where a submitter stands under the misuse policy (DSA Art. 23).

    ``submitter_key`` is ``user:<id>`` for accounts, else ``contact:<digest>``, the
    complaint's keyed blind index of the e-mail address (or phone): never contact data.
    """

    class State(models.TextChoices):
        GOOD = "good", _("In good standing")
        WARNED = "warned", _("Warned")
        SUSPENDED = "suspended", _("Suspended from filing")

    submitter_key = models.CharField(max_length=80, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.GOOD)
    warned_at = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.submitter_key[:20]}: {self.state}"


class MisuseStep(models.Model):
    """One recorded step of the misuse procedure, with the figures it relied on."""

    class Kind(models.TextChoices):
        WARNED = "warned", _("Warning")
        SUSPENDED = "suspended", _("Suspension")
        SUSPENSION_ENDED = "suspension_ended", _("Suspension ended")
        REFUSED = "refused", _("Notice refused during suspension")

    standing = models.ForeignKey(SubmitterStanding, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.CharField(max_length=64)
    reason = models.TextField(blank=True)
    figures = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.created_at:%Y-%m-%d}"


class ConversationRead(models.Model):
    """How far a moderator has read a case's conversation with the complainant.

    What the complainant sent after ``read_until`` is unread for that moderator (the case
    page marks it new, the queue counts it).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    read_until = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "complaint"], name="conversation_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.complaint_id} until {self.read_until:%Y-%m-%d %H:%M}"


class StaffPreference(models.Model):
    """A staff member's own settings of the workspace, kept on the server (any browser)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_preference")
    # Wellness: revealed evidence is shown blurred and in greyscale until asked for clearly.
    evidence_clear = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
