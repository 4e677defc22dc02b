"""Web routes of the host-platform adapter: the built-in demo platform's webhook and log
(at the site root) and the staff page of deliveries that need a person."""

from django.urls import path

from hostplatform import views

app_name = "hostplatform"

urlpatterns = [
    path("demo-platform/webhook", views.demo_webhook, name="demo-webhook"),
    path("demo-platform/<slug:slug>/webhook", views.demo_webhook, name="demo-platform-webhook"),
    path("demo-platform/", views.demo_log, name="demo-log"),
    path("staff/deliveries/", views.deliveries, name="deliveries"),
]
