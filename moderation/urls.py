"""Web routes of the moderation app."""

urlpatterns: list = []
