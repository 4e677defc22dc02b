"""API routes of the prevention app, mounted under /api/v1/."""

from django.urls import path, re_path

from prevention import api, views

urlpatterns = [
    path("screen/", api.ScreenView.as_view(), name="api-screen"),
    path("signals/", api.SignalsView.as_view(), name="api-signals"),
    path("alerts/", api.AlertListView.as_view(), name="api-alerts"),
    path("interventions/", api.InterventionListView.as_view(), name="api-interventions"),
    re_path(r"^interventions/(?P<pk>\d+)/lift/?$", api.InterventionLiftView.as_view(), name="api-intervention-lift"),
    # One-click protection: the tracking token is the credential. An HTML form posts
    # here from the tracking page (and is redirected back); API clients get JSON.
    re_path(r"^track/(?P<token>[A-Za-z0-9_-]{20,100})/protection/?$", views.ProtectionView.as_view(), name="protection"),
    re_path(
        r"^track/(?P<token>[A-Za-z0-9_-]{20,100})/protection/end/?$",
        views.ProtectionEndView.as_view(),
        name="protection-end",
    ),
]
