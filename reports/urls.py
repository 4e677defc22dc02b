"""Web routes of the reports app (mounted at /)."""

from django.urls import path

from reports import views

urlpatterns = [
    path("transparency/", views.transparency_page, name="transparency"),
    path("track/<str:token>/evidence-pack.pdf", views.evidence_pack, name="evidence-pack"),
    path("staff/referrals/", views.referral_list, name="staff-referrals"),
    path("staff/referrals/<int:referral_id>/", views.referral_detail, name="staff-referral"),
]
