from django.core.management.base import BaseCommand

from audit.checkpoint import dump_public_key
from audit.sequencer import public_key, verifier_key


class Command(BaseCommand):
    help = "Print the audit log's public key (PEM, or the signed-note verifier key with --note)."

    def add_arguments(self, parser):
        parser.add_argument("--note", action="store_true", help="print the note verifier key string instead of PEM")

    def handle(self, *args, **options):
        if options["note"]:
            self.stdout.write(verifier_key())
        else:
            self.stdout.write(dump_public_key(public_key()).decode("ascii"), ending="")
