"""Admin: read-only windows on the log and on preservation records.

Every change goes through the services (holds, requests, exports each write their
audit event); the admin only shows.
"""

from django.contrib import admin

from audit.models import AuditEvent, Checkpoint, Export, LegalHold, LegalRequest, LogEntry


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


@admin.register(LegalRequest)
class LegalRequestAdmin(ReadOnlyAdmin):
    list_display = ("authority", "reference_number", "registered_at", "expires_at", "revoked_at")
    search_fields = ("authority", "reference_number")


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnlyAdmin):
    list_display = ("id", "placed_at", "placed_by", "released_at", "manifest_sha256")


@admin.register(Export)
class ExportAdmin(ReadOnlyAdmin):
    list_display = ("id", "legal_request", "requested_by", "state", "progress", "created_at", "sha256")
