"""Web routes of the prevention app."""

urlpatterns: list = []
