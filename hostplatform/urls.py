"""Web routes of the hostplatform app (the built-in demo host platform)."""

urlpatterns: list = []
