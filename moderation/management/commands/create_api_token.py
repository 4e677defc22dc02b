"""``python manage.py create_api_token NAME [--platform | --role trusted_flagger|authority]``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from moderation import accounts
from takedown.exceptions import DomainError


class Command(BaseCommand):
    help = "Create an API account and print its token (the last line). Clients send 'Authorization: Token <key>'."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--platform", action="store_true", help="A host-platform integration account.")
        group.add_argument("--role", choices=accounts.TOKEN_ROLES, default="")

    def handle(self, *args, **options) -> None:
        try:
            token = accounts.api_token_create(username=options["username"], platform=options["platform"],
                                              role=options["role"], actor="operator")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        role = "platform" if options["platform"] else (options["role"] or "no role")
        self.stdout.write(f"API account {token.user.get_username()} ({role}); send: Authorization: Token <key>")
        self.stdout.write(token.key)
