"""Read-only admin pages for the DSA Transparency Database submissions and their results."""

from django.contrib import admin

from reports.models import DsaStatementResult, DsaSubmission


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DsaSubmission)
class DsaSubmissionAdmin(_ReadOnly):
    list_display = ("started_at", "statements", "http_status", "outcome")
    list_filter = ("outcome",)


@admin.register(DsaStatementResult)
class DsaStatementResultAdmin(_ReadOnly):
    list_display = ("puid", "state", "reason", "uuid", "recorded_at")
    list_filter = ("state", "reason")
    search_fields = ("puid", "uuid")
