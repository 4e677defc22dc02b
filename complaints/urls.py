from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/receipt/", views.receipt, name="receipt"),
    path("track/<str:token>/", views.track, name="track"),
]
