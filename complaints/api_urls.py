from django.urls import path

from complaints import api

urlpatterns = [
    path("complaints/", api.ComplaintCreateApi.as_view(), name="api-complaint-create"),
    path("complaints/batch/", api.ComplaintBatchApi.as_view(), name="api-complaint-batch"),
    path("track/<str:token>/", api.TrackingApi.as_view(), name="api-track"),
    path("track/<str:token>/evidence", api.TrackingEvidenceApi.as_view(), name="api-track-evidence"),
    path("track/<str:token>/messages", api.TrackingMessageApi.as_view(), name="api-track-messages"),
]
