"""API routes of the moderation app, mounted under /api/v1/."""

urlpatterns: list = []
