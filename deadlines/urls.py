"""Web routes of the deadlines app, mounted under /staff/."""

from django.urls import path

from deadlines import views

app_name = "deadlines"

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read", views.notification_mark_read, name="notifications-read"),
]
