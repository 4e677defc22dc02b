"""Web routes mounted at the site root: the built-in demo host platform's webhook, and
the pages people on the host platform reach by private link (the poster's notice with
its counter-notice and appeal forms; the complainant's appeal and proof forms)."""

from django.urls import path

from hostplatform import views
from moderation import public_views

app_name = "hostplatform"

urlpatterns = [
    path("demo-platform/webhook", views.demo_webhook, name="demo-webhook"),
    path("demo-platform/", views.demo_log, name="demo-log"),
    path("counter-notice/<str:token>/", public_views.poster_notice, name="poster-notice"),
    path("track/<str:token>/appeal/", public_views.complainant_appeal, name="complainant-appeal"),
    path("track/<str:token>/counter-notice/<int:pk>/proof/", public_views.complainant_proof, name="complainant-proof"),
]
