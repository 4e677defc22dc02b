"""API routes of the deadlines app, mounted under /api/v1/."""

urlpatterns: list = []
