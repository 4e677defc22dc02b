"""API routes of the hostplatform app, mounted under /api/v1/: the admin API of the group's
platforms (the platforms themselves receive webhooks and call the other apps' endpoints)."""

from django.urls import path

from hostplatform import api, item_actions_api

urlpatterns = [
    path("platforms/", api.PlatformListApi.as_view(), name="api-platforms"),
    path("platforms/<int:pk>/", api.PlatformDetailApi.as_view(), name="api-platform"),
    path("item-actions/<int:pk>/report/", item_actions_api.ItemActionReportApi.as_view(), name="api-item-action-report"),
]
