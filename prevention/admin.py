"""Admin: the screening policy is edited here; the other records are read-only views."""

from django.contrib import admin

from prevention.models import Alert, Fingerprint, Intervention, ScreeningRule


@admin.register(ScreeningRule)
class ScreeningRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "context", "platform", "verdict", "min_confidence", "updated_at")
    list_editable = ("verdict", "min_confidence")
    list_filter = ("platform", "kind", "context", "verdict")
    ordering = ("kind", "context")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Changes go through the services (audit events, webhooks, timers), never the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Fingerprint)
class FingerprintAdmin(ReadOnlyAdmin):
    list_display = ("case_reference", "kind", "digest", "active", "created_at")
    list_filter = ("kind", "active")
    search_fields = ("case_reference",)


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("target", "severity", "state", "count", "expected", "raised_at")
    list_filter = ("severity", "state")
    search_fields = ("target",)


@admin.register(Intervention)
class InterventionAdmin(ReadOnlyAdmin):
    list_display = ("kind", "target", "state", "starts_at", "expires_at")
    list_filter = ("kind", "state")
    exclude = ("protected_name",)
