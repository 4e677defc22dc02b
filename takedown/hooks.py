"""Extension points of the project itself (see takedown.extensions)."""

from __future__ import annotations

from takedown.extensions import Hook

demo_seeders = Hook(
    "takedown.demo_seeders",
    "fn() -> list[str]: add an app's demo data for `make run` (idempotent, development only) and "
    "return lines to print. Run by `manage.py seed_demo` in layer order.",
)
staff_pages = Hook(
    "takedown.staff_pages",
    "fn() -> list[takedown.navigation.StaffPage]: an app's staff pages for the navigation bar, each "
    "with the roles that may open it (the same roles its view requires), so a role sees only its pages.",
)
