"""Web routes of the deadlines app."""

urlpatterns: list = []
