from django.core.management.base import BaseCommand, CommandError

from audit.integrity import verify_log


class Command(BaseCommand):
    help = (
        "Recompute every leaf from the stored entries and rebuild the tree, check every stored node and "
        "every checkpoint's root, frontier and signature; exit non-zero naming the first bad index."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--deep",
            action="store_true",
            help=(
                "Re-serialise every event row in Python and compare it with its entry as well, trusting no "
                "database constraint (about ten times slower; SQLite always checks this way)."
            ),
        )

    def handle(self, *args, **options):
        report = verify_log(deep=options["deep"])
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
