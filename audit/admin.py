from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only at every layer."""

    list_display = ("id", "created_at", "actor", "code", "target_type", "target_id")
    list_filter = ("code", "target_type")
    search_fields = ("target_id", "actor", "code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
