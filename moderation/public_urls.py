"""Web routes mounted at the site root for people outside the staff, reached by private
link: the poster's notice with its counter-notice and appeal forms, and the
complainant's appeal and proof forms (posted from the tracking page)."""

from django.urls import path

from moderation import public_views

app_name = "moderation-public"

urlpatterns = [
    path("counter-notice/<str:token>/", public_views.poster_notice, name="poster-notice"),
    path("track/<str:token>/appeal/", public_views.complainant_appeal, name="complainant-appeal"),
    path("track/<str:token>/counter-notice/<int:pk>/proof/", public_views.complainant_proof, name="complainant-proof"),
]
