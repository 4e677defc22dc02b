from django.contrib import admin

from hostplatform.models import DemoPlatformAction, WebhookDelivery


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "idempotency_key", "state", "attempts", "next_attempt_at", "updated_at")
    list_filter = ("state", "event")
    search_fields = ("idempotency_key",)
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DemoPlatformAction)
class DemoPlatformActionAdmin(admin.ModelAdmin):
    list_display = ("event", "idempotency_key", "received_at", "times_received")
    readonly_fields = [f.name for f in DemoPlatformAction._meta.fields]
