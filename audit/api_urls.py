"""API routes of the audit log, mounted under /api/v1/."""

from django.urls import path

from audit import api

urlpatterns = [
    path("audit/checkpoint", api.CheckpointApi.as_view(), name="api-audit-checkpoint"),
    path("audit/proof/inclusion", api.InclusionProofApi.as_view(), name="api-audit-inclusion"),
    path("audit/proof/consistency", api.ConsistencyProofApi.as_view(), name="api-audit-consistency"),
]
