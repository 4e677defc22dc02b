import os

import django

from takedown.handlers import Application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "takedown.settings")
django.setup(set_prefix=False)
application = Application()
