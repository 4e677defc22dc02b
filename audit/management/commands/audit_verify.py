from django.core.management.base import BaseCommand, CommandError

from audit.integrity import verify_log


class Command(BaseCommand):
    help = (
        "Recompute every leaf and the tree from the stored events, check every checkpoint's root, "
        "frontier and signature; exit non-zero naming the first bad index."
    )

    def handle(self, *args, **options):
        report = verify_log()
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
