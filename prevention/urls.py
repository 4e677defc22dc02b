"""Staff pages of the prevention app, mounted under /staff/."""

from django.urls import path

from prevention import views

urlpatterns = [
    path("alerts/", views.alert_list, name="prevention-alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="prevention-alert"),
    path("alerts/<int:pk>/chart.svg", views.alert_chart_svg, name="prevention-alert-chart"),
    path("interventions/", views.intervention_list, name="prevention-interventions"),
    path("interventions/<int:pk>/lift", views.intervention_lift, name="prevention-intervention-lift"),
]
