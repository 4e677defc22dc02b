"""``flush`` that can also empty the append-only audit tables.

Django's own ``flush`` (also run between transactional tests) would be refused by the
audit triggers. This subclass runs it under ``audit.enforcement.purging``, which the
triggers accept only from the tables' owner (who could disable them in any case).
"""

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from audit.enforcement import purging


class Command(DjangoFlush):
    def handle(self, **options):
        with purging(connections[options["database"]]):
            return super().handle(**options)
