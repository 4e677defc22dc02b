"""API routes of the hostplatform app, mounted under /api/v1/ (none yet: the platform
receives webhooks and calls the other apps' endpoints)."""

urlpatterns: list = []
