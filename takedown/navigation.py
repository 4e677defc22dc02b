"""The staff navigation and each role's home page.

Every app names its staff pages (``takedown.hooks.staff_pages``) with the roles its views
require; the navigation bar shows a person only the pages their roles open, and each role
lands on its own home after logging in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from takedown import hooks, roles


@dataclass(frozen=True)
class StaffPage:
    url_name: str
    label: str  # a lazy translation
    allowed: tuple[str, ...]
    order: int = 100

    @property
    def path(self) -> str:
        return reverse(self.url_name)


# The first role a person holds in this order picks their home page.
ROLE_HOMES: tuple[tuple[str, str], ...] = (
    (roles.SENIOR_MODERATOR, "moderation:deadline-board"),
    (roles.ADMIN, "moderation:queue"),
    (roles.MODERATOR, "moderation:queue"),
    (roles.INVESTIGATOR, "preservation:legal-requests"),
)


def home_for(user) -> str:
    """The page a staff member lands on; the login page for anyone else."""
    for role, url_name in ROLE_HOMES:
        if roles.has_role(user, role):
            return reverse(url_name)
    return reverse("moderation:login")


def pages_for(user) -> list[StaffPage]:
    """The staff pages this person may open, in navigation order."""
    pages = [page for found in hooks.staff_pages() for page in found]
    return sorted((p for p in pages if roles.has_role(user, *p.allowed)), key=lambda p: (p.order, p.path))


def staff_navigation(request: HttpRequest) -> dict:
    """Context processor: the navigation of the staff layout and the way home."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not roles.has_role(user, *roles.STAFF_ROLES):
        return {}
    path = request.path
    entries = [
        {"path": p.path, "label": p.label, "current": path.startswith(p.path)}
        for p in pages_for(user)
    ]
    return {"staff_pages": entries, "staff_home": home_for(user)}
