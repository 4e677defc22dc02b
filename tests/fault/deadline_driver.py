"""A separate process acting on a fault test's private database (``python -m tests.fault.deadline_driver``).

Run with ``DATABASE_URL`` (and ``TAKEDOWN_VAR_DIR``, ``REDIS_URL``) pointing at the
test's own database, broker and files, so the test process, this driver and the Celery
workers all see the same state. Prints one JSON object.

  migrate                       create the schema
  seed N                        N valid notices received 10 days ago (every response timer due),
                                plus two moderators and two senior moderators
  api N                         file N notices through the public API (in-process WSGI client)
  sweep [--slow S]              one full sweep, every response handler slowed by S seconds
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "takedown.settings")


def main(argv: list[str]) -> dict:
    import django

    django.setup()
    parser = argparse.ArgumentParser()
    parser.add_argument("command")
    parser.add_argument("n", nargs="?", type=int, default=0)
    parser.add_argument("--slow", type=float, default=0.0)
    args = parser.parse_args(argv)

    if args.command == "migrate":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        return {"ok": True}

    if args.command == "seed":
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.utils import timezone

        from complaints import services
        from complaints.vocabulary import Channel
        from takedown import roles

        User = get_user_model()
        for name, role in (("mod_a", roles.MODERATOR), ("mod_b", roles.MODERATOR),
                           ("senior_a", roles.SENIOR_MODERATOR), ("senior_b", roles.SENIOR_MODERATOR)):
            user, _ = User.objects.get_or_create(username=name, defaults={"email": f"{name}@desk.example"})
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        received = timezone.now() - timedelta(days=10)
        refs = []
        for i in range(args.n):
            data = services.ComplaintInput(
                complainant_name=f"Person {i}",
                complainant_email=f"person{i}@example.com",
                items=[(f"https://social.example/p/{i}", "my address")],
                disclosed_info=["home_address"],
                explanation="My home address was posted without consent.",
                evidence_excerpt="Lives at 12 Example Road",
                good_faith_declaration=True,
            )
            refs.append(services.complaint_submit(data=data, channel=Channel.API, now=received).complaint.reference)
        return {"seeded": len(refs)}

    if args.command == "api":
        from django.test import Client

        client = Client()
        statuses = []
        for i in range(args.n):
            response = client.post(
                "/api/v1/complaints/",
                data=json.dumps({
                    "complainant": {"name": f"Caller {i}", "email": f"caller{i}@example.com"},
                    "relationship": "self",
                    "items": [{"url": f"https://social.example/q/{i}", "note": "phone"}],
                    "disclosed_info": ["phone"],
                    "explanation": "My phone number was posted.",
                    "evidence_excerpt": "call 138...",
                    "good_faith_declaration": True,
                }),
                content_type="application/json",
            )
            statuses.append(response.status_code)
        return {"statuses": statuses}

    if args.command == "sweep":
        if args.slow:
            os.environ["FAULT_HANDLER_DELAY"] = str(args.slow)
            import tests.fault.deadline_slow  # noqa: F401
        from deadlines.sweep import sweep

        result = sweep()
        return {"fired": result.fired, "failed": result.failed, "batches": result.batches}

    raise SystemExit(f"unknown command {args.command}")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
