"""Misuse of the notice channel (DSA Art. 23): warn, then suspend, on counts and gravity."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from cachetools import TTLCache, cached
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actors
from complaints.models import Complaint
from deadlines import timers
from moderation import events
from moderation.models import Decision, Measure, MisuseStep, SubmitterStanding
from moderation.services.common import is_senior, submitter_key_for
from takedown.exceptions import Conflict, ErrorCode, Forbidden, InvalidInput

MISUSE_LOOKBACK_DAYS = 365
MISUSE_SUSPENSION_END = "misuse_suspension_end"
# Another process sees a new suspension within this many seconds; this process at once.
SUSPENSIONS_CACHE_SECONDS = 5.0


def misuse_figures(submitter_key: str, now: datetime | None = None) -> dict[str, Any]:
    """Counts behind a misuse step: decided notices, manifestly unfounded ones, their share."""
    now = now or timezone.now()
    since = now - timedelta(days=MISUSE_LOOKBACK_DAYS)
    decided = Decision.objects.filter(submitter_key=submitter_key, decided_at__gte=since).exclude(
        measure=Measure.REQUEST_INFO)
    total = decided.values("complaint_id").distinct().count()
    unfounded = decided.filter(manifestly_unfounded=True).values("complaint_id").distinct().count()
    return {
        "since": since.date().isoformat(),
        "decided": total,
        "manifestly_unfounded": unfounded,
        "share": round(unfounded / total, 3) if total else 0.0,
    }


def misuse_thresholds() -> tuple[int, float]:
    return (settings.MISUSE_MIN_UNFOUNDED, settings.MISUSE_MIN_SHARE)


def misuse_recommended(figures: dict[str, Any]) -> bool:
    """Frequent and mostly unfounded: the counts alone never decide, a senior does."""
    minimum, share = misuse_thresholds()
    return figures["manifestly_unfounded"] >= minimum and figures["share"] >= share


def _standing(submitter_key: str, now: datetime) -> SubmitterStanding:
    standing, _created = SubmitterStanding.objects.select_for_update().get_or_create(
        submitter_key=submitter_key, defaults={"updated_at": now})
    return standing


def _check_step(user, reason: str) -> None:
    if not is_senior(user):
        raise Forbidden(_("Misuse steps are taken by senior moderators."))
    if not (reason or "").strip():
        raise InvalidInput(_("Give the reason (gravity, intent)."), fields={"reason": [_("Required.")]})


def misuse_warn(*, submitter_key: str, user, reason: str, now: datetime | None = None) -> SubmitterStanding:
    """Warn a submitter whose notices are frequently manifestly unfounded (the first step)."""
    _check_step(user, reason)
    now = now or timezone.now()
    figures = misuse_figures(submitter_key, now)
    if not misuse_recommended(figures):
        raise Conflict(_("The figures do not show frequent manifestly unfounded notices."), code=ErrorCode.BELOW_THRESHOLD,
                       fields={"figures": figures})
    with transaction.atomic():
        standing = _standing(submitter_key, now)
        if standing.state == SubmitterStanding.State.SUSPENDED:
            raise Conflict(_("This submitter is already suspended."), code=ErrorCode.ALREADY_SUSPENDED)
        standing.state = SubmitterStanding.State.WARNED
        standing.warned_at = now
        standing.updated_at = now
        standing.save()
        MisuseStep.objects.create(standing=standing, kind=MisuseStep.Kind.WARNED, actor=actors.for_user(user),
                                  reason=reason.strip(), figures=figures, created_at=now)
        events.misuse_warned(user=user, standing=standing, figures=figures, reason=reason.strip())
    return standing


def misuse_suspend(*, submitter_key: str, user, reason: str, days: int,
                   now: datetime | None = None) -> SubmitterStanding:
    """Suspend filing for a period, only after a prior warning (DSA Art. 23(2))."""
    _check_step(user, reason)
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise InvalidInput(_("A suspension lasts 1 to 365 days."), fields={"days": [_("1 to 365.")]})
    now = now or timezone.now()
    figures = misuse_figures(submitter_key, now)
    with transaction.atomic():
        standing = _standing(submitter_key, now)
        if standing.state != SubmitterStanding.State.WARNED:
            raise Conflict(_("A submitter is warned before being suspended."), code=ErrorCode.NOT_WARNED)
        standing.state = SubmitterStanding.State.SUSPENDED
        standing.suspended_until = now + timedelta(days=days)
        standing.updated_at = now
        standing.save()
        MisuseStep.objects.create(standing=standing, kind=MisuseStep.Kind.SUSPENDED, actor=actors.for_user(user),
                                  reason=reason.strip(), figures={**figures, "days": days}, created_at=now)
        timers.schedule(MISUSE_SUSPENSION_END, standing, standing.suspended_until)
        events.misuse_suspended(user=user, standing=standing, figures=figures, days=days, reason=reason.strip())
    forget_cached_suspensions()
    transaction.on_commit(forget_cached_suspensions)
    return standing


def misuse_suspension_end(standing_id: int, now: datetime | None = None) -> str:
    """The suspension's period is over. Call inside the sweep's transaction."""
    now = now or timezone.now()
    standing = SubmitterStanding.objects.select_for_update().filter(pk=standing_id).first()
    if standing is None or standing.state != SubmitterStanding.State.SUSPENDED:
        return "skipped:not_suspended"
    if standing.suspended_until and standing.suspended_until > now:
        return "skipped:not_due"
    # Back to "warned", not "good": a relapse may be suspended again without a new warning.
    standing.state = SubmitterStanding.State.WARNED
    standing.updated_at = now
    standing.save(update_fields=["state", "updated_at"])
    MisuseStep.objects.create(standing=standing, kind=MisuseStep.Kind.SUSPENSION_ENDED, actor=actors.SYSTEM,
                              created_at=now)
    events.misuse_suspension_ended(standing=standing)
    forget_cached_suspensions()
    transaction.on_commit(forget_cached_suspensions)
    return "ended"


_suspensions: TTLCache = TTLCache(maxsize=1, ttl=SUSPENSIONS_CACHE_SECONDS)


@cached(_suspensions, key=lambda: "suspended", lock=threading.Lock())
def _current_suspensions() -> dict[str, datetime]:
    """Suspended submitters and until when, re-read at most every few seconds per process.

    Every intake asks; suspensions are few and change rarely, so one small query every
    few seconds replaces one per notice.
    """
    rows = SubmitterStanding.objects.filter(
        state=SubmitterStanding.State.SUSPENDED, suspended_until__gt=timezone.now()
    ).values_list("submitter_key", "suspended_until")
    return dict(rows)


def forget_cached_suspensions() -> None:
    _suspensions.clear()


def refuse_if_suspended(complaint: Complaint) -> None:
    """``complaints.hooks.before_submit``: a suspended submitter may not file.

    It runs before anything is stored or any file is read, and the refusal is answered
    as 403 ``filing_suspended``.
    """
    suspensions = _current_suspensions()
    if not suspensions:
        return
    key = submitter_key_for(complaint)
    until = suspensions.get(key) if key else None
    if until is not None and until > timezone.now():
        raise Forbidden(
            _("Filing is suspended until %(date)s because earlier notices were manifestly unfounded.")
            % {"date": f"{until:%Y-%m-%d}"},
            code=ErrorCode.FILING_SUSPENDED,
        )
