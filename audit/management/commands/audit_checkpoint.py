from django.core.management.base import BaseCommand

from audit.sequencer import latest_checkpoint, sequence_and_checkpoint


class Command(BaseCommand):
    help = "Sequence the queued audit events now and sign a checkpoint; print the latest checkpoint."

    def handle(self, *args, **options):
        result = sequence_and_checkpoint()
        if result.locked_out:
            self.stderr.write("another sequencer is running; showing the latest checkpoint")
        else:
            self.stderr.write(f"sequenced {result.sequenced} event(s)")
        checkpoint = latest_checkpoint()
        if checkpoint is not None:
            self.stdout.write(checkpoint.note, ending="")
