"""Staydown: personal information removed in a decided case must not come back.

When a case is decided with ``remove`` or ``disable``, the values disclosed in it are
found with the detectors, normalised, and stored as keyed hashes (HMAC-SHA256 under
``FINGERPRINT_KEY`` over ``kind:normalized``). Screening hashes what it finds the same
way and looks the digests up, so a re-post is caught and named by case reference while
the fingerprint table itself reveals nothing: without the key nobody can test a guessed
phone or ID number against it, and a leaked table cannot be reversed by enumerating
the (small) space of valid ID numbers.

Matching costs the same however many fingerprints there are: screening hashes each
value the detectors found in the post (after their normalisation, which undoes the
disguises - look-alike letters, emoji between digits, full-width forms - so a disguised
re-post hashes like the original) and looks all the digests up in one query on the
digest index: one index probe per value, never a scan of the table.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.actors import SYSTEM
from hostplatform import platforms
from hostplatform.models import ItemRoute
from prevention import events
from prevention.detectors import normalize_value, scan
from prevention.models import Fingerprint

# Measures that take the information down; only these put its values under staydown.
REMOVAL_MEASURES = frozenset({"remove", "disable"})
# Kinds that identify a person on their own. Protected names are handled by protection,
# not staydown: a name alone is not a removed disclosure.
FINGERPRINT_KINDS = ("id_number", "phone", "bank_card", "email", "licence_plate", "address")


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return secret.encode()


def fingerprint_digest(kind: str, normalized: str) -> str:
    """The keyed hash of one normalised value (hex)."""
    key = _key(settings.FINGERPRINT_KEY)
    return hmac.new(key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()


def values_in_complaint(complaint: Any) -> set[tuple[str, str]]:
    """(kind, normalized) of every value the complaint quotes as disclosed.

    The quoted excerpt, the explanation and the notes on each location are scanned;
    the complainant's own contact fields are not (a representative's phone is not the
    victim's disclosed information).
    """
    texts = [complaint.evidence_excerpt or "", complaint.explanation or ""]
    texts.extend(item.note for item in complaint.items.all() if item.note)
    found: set[tuple[str, str]] = set()
    for text in texts:
        for finding in scan(text, kinds=FINGERPRINT_KINDS):
            found.add((finding.type, finding.normalized))
    return found


def _explicit_values(values: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    found = set()
    for kind, raw in values:
        if kind not in FINGERPRINT_KINDS:
            continue
        normalized = normalize_value(kind, raw)
        if normalized:
            found.add((kind, normalized))
    return found


def record_removed_values(
    decision: Any, *, values: Iterable[tuple[str, str]] = (), actor: str = SYSTEM
) -> int:
    """Fingerprint the values a remove/disable decision took down; returns how many are new.

    ``values``: further (kind, raw value) pairs a moderator named explicitly. Call inside
    the decision's transaction; decisions with any other measure are ignored. Idempotent:
    recording the same decision twice adds nothing.
    """
    measure = getattr(decision, "measure", "")
    if measure not in REMOVAL_MEASURES:
        return 0
    complaint = decision.complaint
    pairs = values_in_complaint(complaint) | _explicit_values(values)
    if not pairs:
        return 0
    now = timezone.now()
    reference = complaint.reference
    by_digest = {fingerprint_digest(kind, normalized): kind for kind, normalized in pairs}
    with transaction.atomic():
        existing = set(
            Fingerprint.objects.filter(complaint=complaint, digest__in=list(by_digest)).values_list(
                "digest", flat=True
            )
        )
        new = [
            Fingerprint(
                digest=digest,
                kind=kind,
                complaint=complaint,
                case_reference=reference,
                decision_id=decision.pk,
                created_at=now,
            )
            for digest, kind in sorted(by_digest.items())
            if digest not in existing
        ]
        Fingerprint.objects.bulk_create(new)
        # Values recorded earlier and since released (a reversed decision) come back.
        revived = Fingerprint.objects.filter(
            complaint=complaint, digest__in=list(existing), active=False
        ).update(active=True, decision_id=decision.pk)
        # The newest removal answers for every value it covers, so lifting an older,
        # replaced decision does not release what the newer one still removes.
        Fingerprint.objects.filter(complaint=complaint, digest__in=list(existing)).exclude(
            decision_id=decision.pk
        ).update(decision_id=decision.pk)
        kinds: dict[str, int] = {}
        for fingerprint in new:
            kinds[fingerprint.kind] = kinds.get(fingerprint.kind, 0) + 1
        if new or revived:
            events.staydown_recorded(actor=actor, complaint=complaint, decision=decision, new_by_kind=kinds,
                                     revived=revived, digests=list(by_digest))
    return len(new) + revived


def release_removed_values(decision: Any, *, actor: str = SYSTEM, reason: str = "") -> int:
    """Take a case's values off staydown (the decision was reversed or its measure lifted).

    Call inside the transaction of the reversal. Returns how many fingerprints stopped
    matching.
    """
    complaint = decision.complaint
    with transaction.atomic():
        released = Fingerprint.objects.filter(
            complaint=complaint, decision_id=decision.pk, active=True
        ).update(active=False)
        if released:
            events.staydown_released(actor=actor, complaint=complaint, decision=decision, released=released,
                                     reason=reason)
    return released


def staydown_matches(pairs: Sequence[tuple[str, str]], *, platform_id: int | None = None
                     ) -> dict[tuple[str, str], str]:
    """Which (kind, normalized) pairs are under staydown, mapped to the oldest case's reference.

    ``platform_id``: the screening platform of the group. It is held to the values removed in
    its own cases and, when it shares staydown, to those removed in the cases of every other
    platform that shares it; None (a caller inside the desk) sees every case. One indexed
    query for the whole text, and one more only when something matched; none when there is
    nothing to look up.
    """
    if not pairs:
        return {}
    digests = {fingerprint_digest(kind, normalized): (kind, normalized) for kind, normalized in pairs}
    rows = _active_fingerprints(list(digests))
    if platform_id is not None and rows:
        visible = cases_visible_to(platform_id, {complaint_id for _d, _r, complaint_id in rows})
        rows = [row for row in rows if row[2] in visible]
    found: dict[tuple[str, str], str] = {}
    for digest, reference, _complaint_id in rows:
        # Ordered newest first, so the oldest case wins: the first decision that removed it.
        found[digests[digest]] = reference
    return found


@lru_cache(maxsize=64)
def _match_sql(count: int) -> str:
    """The staydown lookup of ``count`` digests: written out once per count, because on a
    screening call the ORM's building of this one query cost more than the query."""
    table = connection.ops.quote_name(Fingerprint._meta.db_table)
    placeholders = ", ".join(["%s"] * count)
    return (f"SELECT digest, case_reference, complaint_id FROM {table} "
            f"WHERE active AND digest IN ({placeholders}) ORDER BY id DESC")


def _active_fingerprints(digests: list[str]) -> list[tuple[str, str, int]]:
    """(digest, case reference, complaint id) of the active fingerprints among ``digests``,
    newest first."""
    with connection.cursor() as cursor:
        cursor.execute(_match_sql(len(digests)), digests)
        return cursor.fetchall()


@lru_cache(maxsize=64)
def _routes_sql(count: int) -> str:
    quote = connection.ops.quote_name
    route, item = ItemRoute._meta, ItemRoute._meta.get_field("item").related_model._meta
    placeholders = ", ".join(["%s"] * count)
    return (f"SELECT i.{quote(item.get_field('complaint').column)}, r.{quote(route.get_field('platform').column)} "
            f"FROM {quote(route.db_table)} r JOIN {quote(item.db_table)} i "
            f"ON i.{quote(item.pk.column)} = r.{quote(route.get_field('item').column)} "
            f"WHERE i.{quote(item.get_field('complaint').column)} IN ({placeholders})")


def _routes_of(complaint_ids: list[int]) -> list[tuple[int, int | None]]:
    """(case, platform) of every routed item of these cases (as ``_match_sql``, written once)."""
    with connection.cursor() as cursor:
        cursor.execute(_routes_sql(len(complaint_ids)), complaint_ids)
        return cursor.fetchall()


def cases_visible_to(platform_id: int, complaint_ids: set[int]) -> set[int]:
    """Of these cases, those whose removed values hold on this platform: its own cases (an
    item on it), and, if it shares staydown, the cases with an item on another platform that
    shares it too. A case stored before items were routed is the default platform's."""
    table = platforms.routing_table()
    screening_shares = platform_id in table.sharing_staydown
    routes = _routes_of(sorted(complaint_ids))
    visible: set[int] = set()
    routed: set[int] = set()
    for complaint_id, owner in routes:
        routed.add(complaint_id)
        if owner == platform_id or (screening_shares and owner in table.sharing_staydown):
            visible.add(complaint_id)
    unrouted = complaint_ids - routed
    if unrouted and (table.default == platform_id or (screening_shares and table.default in table.sharing_staydown)):
        visible |= unrouted
    return visible
