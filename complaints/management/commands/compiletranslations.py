"""``python manage.py compiletranslations``: .po to .mo with polib, no GNU gettext needed.

Django's ``compilemessages`` needs the gettext tools, which a fresh machine with only
Python does not have.
"""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the translation catalogues (locale/*/LC_MESSAGES/*.po) into .mo files."

    def handle(self, *args, **options) -> None:
        count = 0
        # The project's catalogue and those the project's own apps keep in their locale/
        # folder (third-party packages ship compiled catalogues).
        base = Path(settings.BASE_DIR).resolve()
        app_dirs = [
            Path(app.path) / "locale"
            for app in apps.get_app_configs()
            if Path(app.path).resolve().is_relative_to(base) and "site-packages" not in Path(app.path).parts
        ]
        for locale_dir in [*settings.LOCALE_PATHS, *(d for d in app_dirs if d.is_dir())]:
            for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
