from django.contrib import admin

from audit.services import actor_for
from complaints import services
from complaints.models import DeadlinePolicy

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
            actor=actor_for(request.user),
            values={name: form.cleaned_data[name] for name in POLICY_FIELDS},
            note=form.cleaned_data.get("note", ""),
        )
        obj.pk, obj.version = published.pk, published.version

    def has_delete_permission(self, request, obj=None):
        return False
