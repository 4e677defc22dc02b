from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.checkpoint import CheckpointError, load_public_key, parse_verifier_key
from audit.sequencer import key_name, public_key
from audit.verify import CannotVerify, verify_package


class Command(BaseCommand):
    help = (
        "Verify an export package (the checks of python -m audit.verify). Without --public-key "
        "the platform's own key is used; investigators should run the offline verifier with the "
        "key they received separately."
    )

    def add_arguments(self, parser):
        parser.add_argument("package", help="the export ZIP or an unpacked bag folder")
        parser.add_argument("--public-key", metavar="FILE", help="PEM, base64 or note verifier key")

    def handle(self, *args, **options):
        try:
            if options["public_key"]:
                text = Path(options["public_key"]).read_text(encoding="ascii")
                key = load_public_key(text)
                name = parse_verifier_key(text)[0] if "+" in text and "BEGIN" not in text else None
            else:
                key, name = public_key(), key_name()
            report = verify_package(options["package"], key, name)
        except (OSError, UnicodeDecodeError, CheckpointError, CannotVerify) as exc:
            raise CommandError(f"cannot verify: {exc}", returncode=2) from None
        if not report.ok:
            raise CommandError(report.summary(), returncode=1)
        self.stdout.write(report.summary())
