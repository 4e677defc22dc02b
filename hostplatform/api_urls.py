"""API routes of the hostplatform app, mounted under /api/v1/: the admin API of the group's
platforms (the platforms themselves receive webhooks and call the other apps' endpoints)."""

from django.urls import path, re_path

from hostplatform import api, item_actions_api

urlpatterns = [
    path("platforms/", api.PlatformListApi.as_view(), name="api-platforms"),
    path("platforms/<int:pk>/", api.PlatformDetailApi.as_view(), name="api-platform"),
    re_path(r"^platforms/(?P<slug>[-a-zA-Z0-9_]+)/actions/(?P<pk>\d+)/?$",
            item_actions_api.ItemActionReportApi.as_view(), name="api-platform-action"),
    path("item-actions/<int:pk>/report/", item_actions_api.ItemActionReportApi.as_view(), name="api-item-action-report"),
]
