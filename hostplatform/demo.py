"""Demo data of the host-platform adapter: two more platforms of the group, each answered by
its own built-in demo receiver (``/demo-platform/<slug>/webhook``, its own secrets)."""

from __future__ import annotations

from django.conf import settings

from hostplatform import platforms
from hostplatform.models import Platform

DEMO_PLATFORMS = (
    {"slug": "forum", "name": "Demo forum", "domains": ["forum.example"], "content_id_prefixes": ["forum"],
     "languages": ["zh-hans", "en"], "dsa_platform_id": "demo-forum", "shares_staydown": True,
     "shares_signals": True},
    {"slug": "video", "name": "Demo video site", "domains": ["video.example"], "content_id_prefixes": ["video"],
     "languages": ["zh-hans"], "dsa_platform_id": "demo-video", "shares_staydown": True, "shares_signals": True},
)


def seed_platforms() -> list[str]:
    if not settings.DEMO_PLATFORM:
        return []
    lines = []
    for spec in DEMO_PLATFORMS:
        if Platform.objects.filter(slug=spec["slug"]).exists():
            continue
        new = platforms.platform_create(**spec)
        lines.append(f"hostplatform: platform {spec['slug']} ({', '.join(spec['domains'])}) token {new.token}")
    if lines:
        lines.append(f"hostplatform: what each demo platform was asked: {settings.PUBLIC_BASE_URL}/demo-platform/")
    return lines
