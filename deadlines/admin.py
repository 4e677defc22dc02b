from django.contrib import admin, messages

from audit import actors
from deadlines import services
from deadlines.models import StaffNotification, Timer


class ReadOnly(admin.ModelAdmin):
    """Rows change only through the services (and the sweep): the admin only shows them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Timer)
class TimerAdmin(ReadOnly):
    list_display = ("kind", "target_type", "target_id", "due_at", "state", "fired_at", "outcome", "attempts")
    list_filter = ("state", "kind")
    search_fields = ("=target_id", "kind")
    date_hierarchy = "due_at"
    readonly_fields = ("last_error",)
    actions = ["retry_failed"]

    @admin.action(description="Retry the selected failed timers")
    def retry_failed(self, request, queryset) -> None:
        count = services.timers_retry(ids=queryset.values_list("pk", flat=True), actor=actors.for_user(request.user))
        self.message_user(request, f"{count} failed timer(s) put back in the sweep.", messages.SUCCESS)


@admin.register(StaffNotification)
class StaffNotificationAdmin(ReadOnly):
    list_display = ("user", "kind", "subject", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
