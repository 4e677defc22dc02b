"""Web routes of preservation, mounted under /staff/."""

from django.urls import path

from preservation import views

app_name = "preservation"

urlpatterns = [
    path("legal-requests/", views.legal_requests, name="legal-requests"),
    path("legal-requests/<int:pk>/", views.legal_request, name="legal-request"),
    path("legal-requests/<int:pk>/cases/<str:reference>/", views.case_record, name="case-record"),
    path("holds/", views.holds, name="holds"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold-release"),
    path("exports/", views.export_list, name="exports"),
    path("exports/<int:pk>/download", views.export_download, name="export-download"),
]
