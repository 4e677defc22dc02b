from django.contrib import admin, messages

from audit import actors
from hostplatform import platforms
from hostplatform.models import (
    DemoPlatformAction,
    ItemRoute,
    Platform,
    PlatformAccount,
    WebhookDelivery,
)


class PlatformAccountInline(admin.TabularInline):
    model = PlatformAccount
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    """The group's platforms. A new platform is best added with ``manage.py platform_add`` or
    the API, which also create its token and first secret; here an admin changes what it owns
    and shares, and starts or ends a secret rotation (the new secret is shown once)."""

    list_display = ("name", "slug", "is_default", "active", "shares_staydown", "shares_signals", "webhook_url")
    list_filter = ("active", "shares_staydown", "shares_signals")
    search_fields = ("name", "slug")
    readonly_fields = ("is_default", "created_at")
    inlines = [PlatformAccountInline]
    actions = ["add_secret", "retire_older_secrets"]

    def save_model(self, request, obj, form, change):
        # Through the service, so domains are normalised, double ownership refused and audited.
        data = {field: form.cleaned_data[field] for field in platforms.EDITABLE if field in form.cleaned_data}
        actor = actors.for_user(request.user)
        if change:
            updated = platforms.platform_update(platform=obj, actor=actor, **data)
        else:
            new = platforms.platform_create(slug=form.cleaned_data["slug"], actor=actor, **data)
            updated = new.platform
            messages.warning(request, f"{new.platform.slug}: shown once: token {new.token}, webhook secret {new.secret}")
        obj.pk = updated.pk
        obj.refresh_from_db()

    @admin.action(description="Add a signing secret (start a rotation)")
    def add_secret(self, request, queryset):
        for platform in queryset:
            secret = platforms.secret_add(platform=platform, actor=actors.for_user(request.user))
            messages.warning(request, f"{platform.slug}: new secret, shown once: {secret}")

    @admin.action(description="Retire all but the newest secret (end a rotation)")
    def retire_older_secrets(self, request, queryset):
        for platform in queryset:
            count = platforms.secrets_retire_older(platform=platform, actor=actors.for_user(request.user))
            messages.info(request, f"{platform.slug}: {count} secrets retired")


@admin.register(ItemRoute)
class ItemRouteAdmin(admin.ModelAdmin):
    list_display = ("item", "platform", "site")
    list_filter = ("platform",)
    readonly_fields = ("item", "platform", "site")

    def has_add_permission(self, request):
        return False



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
