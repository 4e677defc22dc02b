"""``python manage.py create_staff USERNAME --role moderator``: a staff account with TOTP."""

from __future__ import annotations

import io

from django.core.management.base import BaseCommand, CommandError

from moderation import accounts
from takedown import roles
from takedown.exceptions import DomainError


class Command(BaseCommand):
    help = "Create (or reset) a staff account; prints a one-time password and the TOTP set-up."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=roles.STAFF_ROLES)
        parser.add_argument("--no-qr", action="store_true", help="Do not draw the QR code.")

    def handle(self, *args, **options) -> None:
        try:
            new = accounts.staff_create(username=options["username"], role=options["role"], actor="operator")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        uri = new.device.config_url
        self.stdout.write(f"user:      {new.user.get_username()} ({options['role']})")
        self.stdout.write(f"password:  {new.password}   (one-time: shown only now)")
        self.stdout.write(f"TOTP URI:  {uri}")
        if not options["no_qr"]:
            try:
                import qrcode

                qr = qrcode.QRCode(border=1)
                qr.add_data(uri)
                out = io.StringIO()
                qr.print_ascii(out=out, invert=True)
                self.stdout.write("Scan with an authenticator app:\n" + out.getvalue())
            except Exception as exc:  # a terminal without the glyphs: the URI is enough
                self.stderr.write(f"(no QR code: {exc})")
