"""API routes of preservation, mounted under /api/v1/."""

from django.urls import path

from preservation import api

urlpatterns = [
    path("legal-requests/", api.LegalRequestListApi.as_view(), name="api-legal-requests"),
    path("legal-requests/<int:pk>/", api.LegalRequestDetailApi.as_view(), name="api-legal-request"),
    path("legal-requests/<int:pk>/revoke/", api.LegalRequestRevokeApi.as_view(), name="api-legal-request-revoke"),
    path("legal-requests/<int:pk>/cases/<str:reference>/", api.CaseRecordApi.as_view(), name="api-legal-request-case"),
    path("holds/", api.HoldListApi.as_view(), name="api-holds"),
    path("holds/<int:pk>/release/", api.HoldReleaseApi.as_view(), name="api-hold-release"),
    path("exports/", api.ExportListApi.as_view(), name="api-exports"),
    path("exports/<int:pk>", api.ExportDetailApi.as_view(), name="api-export"),
    path("exports/<int:pk>/download", api.ExportDownloadApi.as_view(), name="api-export-download"),
]
