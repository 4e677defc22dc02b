"""``python manage.py seed_demo``: demo data for ``make run``.

Every app adds its own demo data through ``takedown.hooks.demo_seeders`` (in layer
order: notices before the staff accounts that review them, and so on); each seeder is
idempotent and returns lines to print: accounts, tokens, tracking links.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from takedown.hooks import demo_seeders


class Command(BaseCommand):
    help = "Add demo data (complaints, staff accounts, tokens ...); print what to log in with."

    def handle(self, *args, **options) -> None:
        lines: list[str] = []
        for seeded in demo_seeders():
            lines.extend(seeded)
        self.stdout.write("\n".join(lines))
