"""API routes of the prevention app, mounted under /api/v1/."""

urlpatterns: list = []
