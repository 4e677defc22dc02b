"""``python manage.py deadlines_sweep``: fire every due timer now and say what was done."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from deadlines.sweep import sweep


class Command(BaseCommand):
    help = "Run one full sweep of due timers now (every batch until nothing due is left)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--max-batches", type=int, default=None, help="stop after this many batches")

    def handle(self, *args, max_batches: int | None = None, **options) -> None:
        result = sweep(max_batches=max_batches)
        self.stdout.write(f"{result.fired} timer(s) fired in {result.batches} batch(es); {result.failed} failed")
        for key, count in sorted(result.outcomes.items()):
            self.stdout.write(f"  {key}: {count}")
        for kind, count in sorted(result.unknown_kinds.items()):
            self.stdout.write(f"  left pending, no handler for kind {kind!r}: {count}")
        if result.more_due:
            self.stdout.write("more timers are due: run again")
