"""API routes of the reports app, mounted under /api/v1/."""

from django.urls import path

from reports import api

urlpatterns = [
    path("cases/<str:reference>/referrals", api.CaseReferralsApi.as_view(), name="api-case-referrals"),
    path("cases/<str:reference>/assessment", api.CaseAssessmentApi.as_view(), name="api-case-assessment"),
    path("referrals/<int:referral_id>", api.ReferralApi.as_view(), name="api-referral"),
    path("referrals/<int:referral_id>/status", api.ReferralStatusApi.as_view(), name="api-referral-status"),
    path("transparency/", api.TransparencyApi.as_view(), name="api-transparency"),
    path("transparency.csv", api.TransparencyCsvApi.as_view(), {"csv": True}, name="api-transparency-csv"),
    path("statements-of-reasons/", api.StatementsOfReasonsApi.as_view(), name="api-statements-of-reasons"),
]
