"""Admin: read-only windows on the log.

Events are written only by the services; the admin only shows.
"""

from django.contrib import admin

from audit.models import AuditEvent, Checkpoint, LogEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only at every layer."""

    list_display = ("id", "created_at", "actor", "code", "target_type", "target_id")
    list_filter = ("code", "target_type")
    search_fields = ("target_id", "actor", "code")


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ("index", "event_id")
    list_select_related = False


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("tree_size", "created_at")
