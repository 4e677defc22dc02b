from django.contrib import admin

from audit import actors
from complaints import services
from complaints.models import Breach, ClockPause, DeadlinePolicy
from deadlines.admin import ReadOnly

POLICY_FIELDS = (
    "p0_hours",
    "p1_hours",
    "p2_hours",
    "reminder_fractions",
    "counter_notice_wait_days",
    "appeal_window_days",
    "claim_minutes",
)


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    """Editing a policy publishes a new version; notices keep the version that set them."""

    list_display = ("version", "p0_hours", "p1_hours", "p2_hours", "reminder_fractions", "created_at", "created_by", "note")
    fields = (*POLICY_FIELDS, "note")

    def save_model(self, request, obj, form, change):
        published = services.deadline_policy_publish(
            actor=actors.for_user(request.user),
            values={name: form.cleaned_data[name] for name in POLICY_FIELDS},
            note=form.cleaned_data.get("note", ""),
        )
        obj.pk, obj.version = published.pk, published.version

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Breach)
class BreachAdmin(ReadOnly):
    list_display = ("complaint", "priority", "due_at", "breached_at", "policy_version")
    date_hierarchy = "breached_at"


@admin.register(ClockPause)
class ClockPauseAdmin(ReadOnly):
    list_display = ("complaint", "paused_at", "remaining_seconds", "resumed_at", "due_at_resume")
