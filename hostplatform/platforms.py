"""The platforms of the group: onboarding, secrets, accounts, and where each item goes."""

from __future__ import annotations

import base64
import secrets as random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actors import SYSTEM
from complaints.models import Complaint, ComplaintItem
from hostplatform import events, routing, signing
from hostplatform.models import ItemRoute, Platform, PlatformAccount, PlatformSecret
from moderation import accounts
from takedown.exceptions import Conflict, ErrorCode, InvalidInput

User = get_user_model()

EDITABLE = ("name", "domains", "content_id_prefixes", "languages", "webhook_url", "dsa_platform_id",
            "shares_staydown", "shares_signals", "active")


def default_platform() -> Platform:
    platform = Platform.objects.filter(is_default=True).first()
    if platform is None:  # a database emptied by hand (flush): the migration's row again
        platform, _created = Platform.objects.get_or_create(
            slug="host", defaults={"name": "Host platform", "is_default": True}
        )
    return platform


def platform_of_user(user) -> Platform:
    """The platform a platform-role account acts for; accounts from before there were
    several platforms act for the default one."""
    account = PlatformAccount.objects.select_related("platform").filter(user_id=getattr(user, "pk", None)).first()
    return account.platform if account is not None else default_platform()


def signal_namespace(platform: Platform) -> str:
    """The prefix of a platform's signal targets: none for the group's shared space (the
    default platform and those sharing signals), ``<slug>/`` for a platform counting apart."""
    return "" if platform.is_default or platform.shares_signals else f"{platform.slug}/"


def signal_namespace_of_user(user) -> str:
    return signal_namespace(_cached_platform_of(user))


def signal_audience(target: str) -> tuple[list[Platform], str]:
    """Who an intervention on ``target`` goes to, and the key each of them knows it by: the
    platform whose namespace prefixes it, or every active platform of the shared space."""
    slug, sep, own_key = target.partition("/")
    if sep:
        platform = Platform.objects.filter(slug=slug, active=True, is_default=False, shares_signals=False).first()
        if platform is not None:
            return [platform], own_key
    shared = [p for p in Platform.objects.filter(active=True).order_by("pk") if p.is_default or p.shares_signals]
    return shared or [default_platform()], target


def _cached_platform_of(user) -> Platform:
    """``platform_of_user``, kept on the user object: the high-volume endpoints' cached token
    user then asks the database once (until the token cache lets it go)."""
    cached = getattr(user, "_platform", None)
    if cached is None:
        cached = platform_of_user(user)
        user._platform = cached
    return cached


def platform_id_of_user(user) -> int:
    return _cached_platform_of(user).pk


# --- Webhook target and secrets -----------------------------------------------------------


def webhook_url(platform: Platform | None) -> str:
    if platform is None or platform.is_default:
        return (platform.webhook_url if platform is not None else "") or settings.HOST_PLATFORM_WEBHOOK_URL
    return platform.webhook_url


def active_secrets(platform: Platform | None) -> list[str]:
    """The platform's active secrets, newest first; the default platform without secrets
    of its own uses ``WEBHOOK_SECRETS``."""
    own = [s.secret for s in platform.secrets.filter(active=True)] if platform is not None else []
    if own:
        return own
    return list(settings.WEBHOOK_SECRETS) if platform is None or platform.is_default else []


def new_secret() -> str:
    return signing.SECRET_PREFIX + base64.b64encode(random.token_bytes(32)).decode()


def secret_add(*, platform: Platform, secret: str = "", actor: str = SYSTEM) -> str:
    """Add an active signing secret (a rotation starts); returns it. Shown once."""
    secret = secret or new_secret()
    try:
        signing.secret_bytes(secret)
    except signing.SecretError as exc:
        raise InvalidInput(_("A webhook secret is whsec_ followed by base64 of 24 to 64 bytes."),
                           fields={"secret": [str(exc)]}) from exc
    with transaction.atomic():
        row = PlatformSecret.objects.create(platform=platform, secret=secret, created_at=timezone.now())
        events.platform_secret_added(actor=actor, platform=platform, secret_id=row.pk)
    return secret


def secrets_retire_older(*, platform: Platform, keep: int = 1, actor: str = SYSTEM) -> int:
    """End a rotation: keep the ``keep`` newest secrets active, retire the rest."""
    with transaction.atomic():
        active = list(platform.secrets.select_for_update().filter(active=True))
        retired = [s.pk for s in active[keep:]]
        PlatformSecret.objects.filter(pk__in=retired).update(active=False)
        if retired:
            events.platform_secrets_retired(actor=actor, platform=platform, count=len(retired))
    return len(retired)


# --- Onboarding ---------------------------------------------------------------------------


def _clean_list(values, normalise, field: str) -> list[str]:
    if isinstance(values, str):
        values = [v for v in values.split(",")]
    if not isinstance(values, (list, tuple)):
        raise InvalidInput(_("Give a list."), fields={field: [_("A list of strings.")]})
    cleaned = []
    for raw in values:
        value = normalise(str(raw)) if isinstance(raw, str) else ""
        if not value:
            raise InvalidInput(_("%(value)s is not valid here.") % {"value": str(raw)[:80]},
                               fields={field: [_("%(value)s is not valid here.") % {"value": str(raw)[:80]}]})
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


def clean_fields(data: dict) -> dict:
    """Normalise the editable fields given (domains to IDNA host names, prefixes lower-case)."""
    out = {k: v for k, v in data.items() if k in EDITABLE}
    if "domains" in out:
        out["domains"] = _clean_list(out["domains"], routing.normalise_host, "domains")
    if "content_id_prefixes" in out:
        out["content_id_prefixes"] = _clean_list(out["content_id_prefixes"], routing.normalise_prefix,
                                                 "content_id_prefixes")
    if "languages" in out:
        out["languages"] = _clean_list(out["languages"], lambda v: v.strip().lower()[:16], "languages")
    if out.get("webhook_url"):
        parts = urlsplit(str(out["webhook_url"]).strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput(_("The webhook URL must be an http:// or https:// address."),
                               fields={"webhook_url": [_("An http:// or https:// address.")]})
        out["webhook_url"] = str(out["webhook_url"]).strip()
    return out


def _check_unclaimed(platform_id: int | None, fields: dict) -> None:
    """Two platforms cannot own the same host suffix or prefix: an item would have two owners."""
    others = Platform.objects.exclude(pk=platform_id)
    for other in others:
        taken = set(fields.get("domains", ())) & set(other.domains)
        taken |= set(fields.get("content_id_prefixes", ())) & set(other.content_id_prefixes)
        if taken:
            raise Conflict(_("%(site)s already belongs to %(platform)s.") % {
                "site": sorted(taken)[0], "platform": other.name}, code=ErrorCode.CONFLICT)


@dataclass(frozen=True)
class NewPlatform:
    platform: Platform
    token: str
    secret: str


def platform_create(*, slug: str, name: str = "", actor: str = SYSTEM, **data) -> NewPlatform:
    """A new platform with its API account (role platform), its token and a first secret."""
    fields = clean_fields(data)
    slug = (slug or "").strip().lower()
    if not slug or not slug.replace("-", "").replace("_", "").isalnum() or len(slug) > 40:
        raise InvalidInput(_("The slug is 1 to 40 letters, digits, '-' or '_'."), fields={"slug": [_("Invalid.")]})
    with transaction.atomic():
        _check_unclaimed(None, fields)
        try:
            with transaction.atomic():
                platform = Platform.objects.create(slug=slug, name=name.strip() or slug, **fields)
        except IntegrityError:
            raise Conflict(_("A platform with this slug exists."), code=ErrorCode.CONFLICT) from None
        token = accounts.api_token_create(username=f"platform-{slug}", platform=True, actor=actor)
        PlatformAccount.objects.update_or_create(user=token.user, defaults={"platform": platform})
        events.platform_created(actor=actor, platform=platform)
        forget_cached_routing()  # now for this transaction, again once committed
        transaction.on_commit(forget_cached_routing)
        secret = secret_add(platform=platform, actor=actor)
    return NewPlatform(platform, token.key, secret)


def platform_update(*, platform: Platform, actor: str = SYSTEM, **data) -> Platform:
    fields = clean_fields(data)
    with transaction.atomic():
        locked = Platform.objects.select_for_update().get(pk=platform.pk)
        _check_unclaimed(locked.pk, fields)
        changed = sorted(k for k, v in fields.items() if getattr(locked, k) != v)
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.save()
        if changed:
            events.platform_changed(actor=actor, platform=locked, fields=changed)
            forget_cached_routing()  # now for this transaction, again once committed
            transaction.on_commit(forget_cached_routing)
    return locked


# --- Routing ------------------------------------------------------------------------------


# Intake routes every notice: the group's sites are kept per process for this long, so a
# notice costs no query for them. A platform changed here is seen at once in this process and
# within this many seconds in the others.
ROUTING_CACHE_SECONDS = 30.0
_routing_cache: dict[str, tuple[float, RoutingTable]] = {}


@dataclass(frozen=True)
class RoutingTable:
    owners: list[routing.Owner]
    fallback: int | None  # the catch-all platform's id
    default: int | None  # the default platform's id
    sharing_staydown: frozenset[int]  # active platforms sharing staydown


def forget_cached_routing() -> None:
    _routing_cache.clear()


def routing_table() -> RoutingTable:
    """The group's sites and what each platform shares, from this process's cache. The default
    platform receives what no platform owns while it owns no site itself."""
    now = time.monotonic()
    hit = _routing_cache.get("table")
    if hit is not None and now - hit[0] < ROUTING_CACHE_SECONDS:
        return hit[1]
    active = list(Platform.objects.filter(active=True))
    default = next((p for p in active if p.is_default), None)
    if default is None and not Platform.objects.filter(is_default=True).exists():
        default = default_platform()  # an emptied database: the migration's row again
        active.append(default)
    table = RoutingTable(
        owners=[routing.Owner(p.pk, p.domains, p.content_id_prefixes) for p in active],
        fallback=default.pk if default and not default.domains and not default.content_id_prefixes else None,
        default=default.pk if default else None,
        sharing_staydown=frozenset(p.pk for p in active if p.shares_staydown),
    )
    _routing_cache["table"] = (now, table)
    return table


def route_items(items: Iterable[ComplaintItem]) -> list[ItemRoute]:
    """Fix which platform each item is on (idempotent: an item keeps its first route).
    One insert for all the items; the routing table comes from the process's cache."""
    table = routing_table()
    owners, fallback = table.owners, table.fallback
    routes = []
    for item in items:
        location = routing.location_of(item.url)
        owner = routing.owner_of(location, owners)
        routes.append(ItemRoute(item=item, platform_id=owner if owner is not None else fallback,
                                site=location.site[:255] or item.url[:255]))
    ItemRoute.objects.bulk_create(routes, ignore_conflicts=True)
    return routes


def complaint_submitted(complaint: Complaint) -> None:
    """``complaints.submitted``: route every item of the notice."""
    route_items(complaint.items.all())


def complaints_submitted(complaints: Sequence[Complaint]) -> None:
    """``complaints.submitted_many``: route every item of the notices, in one insert."""
    route_items([item for complaint in complaints for item in complaint.items.all()])


def routes_of(items: Sequence[ComplaintItem]) -> dict[int, ItemRoute]:
    """The route of each item, routing any item stored before there were routes."""
    found = {r.item_id: r for r in ItemRoute.objects.select_related("platform").filter(item__in=list(items))}
    missing = [item for item in items if item.pk not in found]
    if missing:
        route_items(missing)
        found.update((r.item_id, r) for r in ItemRoute.objects.select_related("platform").filter(item__in=missing))
    return found
