"""Admin: read-only windows on legal requests, holds and exports.

Every change goes through the services (each writes its audit event); the admin only shows.
"""

from django.contrib import admin

from audit.admin import ReadOnlyAdmin
from preservation.models import Export, LegalHold, LegalRequest


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
