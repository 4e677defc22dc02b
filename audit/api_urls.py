"""API routes of the audit app, mounted under /api/v1/."""

urlpatterns: list = []
