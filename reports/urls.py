"""Web routes of the reports app."""

urlpatterns: list = []
