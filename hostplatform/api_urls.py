"""API routes of the hostplatform app, mounted under /api/v1/."""

urlpatterns: list = []
