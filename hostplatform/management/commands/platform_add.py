"""``python manage.py platform_add SLUG --domains forum.example,m.forum.example --webhook-url URL``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hostplatform import platforms
from takedown.exceptions import DomainError


def _list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class Command(BaseCommand):
    help = ("Add a host platform to the group: the sites it owns, its webhook endpoint, its API token "
            "and first signing secret (both printed once, never shown again).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", default="")
        parser.add_argument("--domains", default="", help="Host suffixes it owns, comma-separated")
        parser.add_argument("--prefixes", default="", help="Content-ID prefixes it owns (forum for forum:123)")
        parser.add_argument("--languages", default="", help="Language codes of its users, comma-separated")
        parser.add_argument("--webhook-url", default="")
        parser.add_argument("--dsa-platform-id", default="")
        parser.add_argument("--share-staydown", action="store_true",
                            help="Screening catches values removed on other opted-in platforms")
        parser.add_argument("--share-signals", action="store_true",
                            help="Its trend signals add up with other opted-in platforms'")

    def handle(self, *args, **options) -> None:
        try:
            new = platforms.platform_create(
                slug=options["slug"], name=options["name"], actor="operator",
                domains=_list(options["domains"]), content_id_prefixes=_list(options["prefixes"]),
                languages=_list(options["languages"]), webhook_url=options["webhook_url"].strip(),
                dsa_platform_id=options["dsa_platform_id"].strip(),
                shares_staydown=options["share_staydown"], shares_signals=options["share_signals"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        p = new.platform
        self.stdout.write(f"Platform {p.slug} ({p.name}): domains {', '.join(p.domains) or '-'}; "
                          f"prefixes {', '.join(p.content_id_prefixes) or '-'}; webhook {p.webhook_url or '-'}")
        self.stdout.write("Shown once, keep them now:")
        self.stdout.write(f"token: {new.token}")
        self.stdout.write(f"webhook secret: {new.secret}")
