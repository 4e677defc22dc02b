"""``python manage.py demo_totp USERNAME``: the current TOTP code of a demo account (development only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current second-factor code of a staff account (refused in production)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("Not available in production.")
        device = TOTPDevice.objects.filter(user__username=options["username"]).first()
        if device is None:
            raise CommandError("No such staff account with a TOTP device.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
