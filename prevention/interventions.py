"""Interventions: measures the host platform applies to slow a target down, until they expire.

Each change of state is one function here that owns its transaction, its audit event,
its expiry timer (``intervention_expiry`` in the deadline engine) and its instruction to
the host platform (a signed webhook with retries, ``hostplatform.services``).
One-click protection of a victim is an intervention of kind ``victim_protection``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actors
from deadlines import timers
from hostplatform import platforms
from hostplatform.services import webhook_enqueue
from prevention import events
from prevention.models import TARGET_KEY_CHARS, Alert, Intervention
from prevention.protection import forget_cached_names
from takedown.exceptions import Conflict, ErrorCode, InvalidInput, Unprocessable

EXPIRY_TIMER = "intervention_expiry"
MIN_DURATION = timedelta(minutes=1)
MAX_DURATION = timedelta(days=90)
MAX_REASON_CHARS = 2000

# Caps a traffic limitation may set, per minute, on the target.
TRAFFIC_CAPS = ("shares_per_minute", "searches_per_minute", "mentions_per_minute")
# What one-click protection restricts: interaction from accounts the victim does not follow.
PROTECTION_RESTRICTIONS = ("stranger_messages", "stranger_comments", "stranger_reposts")
STAFF_KINDS = tuple(k for k in Intervention.Kind.values if k != Intervention.Kind.VICTIM_PROTECTION)


class Webhooks:
    APPLY = "intervention.apply"
    LIFT = "intervention.lift"


def protection_days() -> int:
    return settings.PROTECTION_DAYS


def _clean_params(kind: str, params: Any) -> dict[str, Any]:
    params = params or {}
    if not isinstance(params, dict):
        raise InvalidInput(_("Invalid parameters."), fields={"params": [_("An object is required.")]})
    if kind == Intervention.Kind.TRAFFIC_LIMIT:
        caps = {}
        errors = []
        for name in TRAFFIC_CAPS:
            value = params.get(name)
            if value is None:
                continue
            if type(value) is not int or not 0 <= value <= 1_000_000:
                errors.append(f"{name}: a whole number from 0 to 1000000.")
            else:
                caps[name] = value
        unknown = set(params) - set(TRAFFIC_CAPS)
        if unknown:
            errors.append(f"Unknown caps: {', '.join(sorted(unknown))}.")
        if not caps and not errors:
            raise Unprocessable(_("Invalid traffic caps."), fields={"params": [f"Set at least one of {', '.join(TRAFFIC_CAPS)}."]})
        if errors:
            raise InvalidInput(_("Invalid traffic caps."), fields={"params": errors})
        return caps
    if kind == Intervention.Kind.INTERSTITIAL:
        message = params.get("message", "")
        if not isinstance(message, str) or len(message) > 1000:
            raise InvalidInput(_("Invalid interstitial."), fields={"params": [_("message: at most 1000 characters.")]})
        return {"message": message.strip()} if message.strip() else {}
    if params:
        raise InvalidInput(_("This kind takes no parameters."), fields={"params": [_("Leave empty for this kind.")]})
    return {}


def _payload(intervention: Intervention, action: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "action": action,
        "intervention": intervention.pk,
        "kind": intervention.kind,
        "target": intervention.target,
        "params": intervention.params,
        "starts_at": intervention.starts_at.isoformat(),
        "expires_at": intervention.expires_at.isoformat(),
    }
    if action == "apply":
        payload["reason"] = intervention.reason
    if intervention.complaint_id:
        # The case reference lets the platform link its own records; never the name.
        payload["case"] = intervention.complaint.reference
    return payload


def _audience(intervention: Intervention) -> tuple[list, str]:
    """The platforms an intervention goes to, and the target's key there. A victim's
    protection goes to every platform the case has items on; another intervention to each
    platform the target is known to (``platforms.signal_audience``): every platform of the
    shared space of targets, or the one platform counting apart, by its own key."""
    if intervention.kind == Intervention.Kind.VICTIM_PROTECTION and intervention.complaint_id:
        routes = platforms.routes_of(list(intervention.complaint.items.all()))
        hosting = {r.platform.pk: r.platform for r in routes.values() if r.platform is not None}
        return [hosting[pk] for pk in sorted(hosting)] or [platforms.default_platform()], intervention.target
    if not intervention.target:
        return [platforms.default_platform()], ""
    return platforms.signal_audience(intervention.target)


def _send(intervention: Intervention, action: str) -> None:
    audience, own_key = _audience(intervention)
    payload = _payload(intervention, action)
    payload["target"] = own_key
    for platform in audience:
        alone = platform.is_default
        webhook_enqueue(
            event=Webhooks.APPLY if action == "apply" else Webhooks.LIFT,
            payload=payload,
            idempotency_key=f"intervention:{intervention.pk}:{action}" + ("" if alone else f":{platform.slug}"),
            subject=intervention,
            platform=platform,
        )


def intervention_create(
    *,
    kind: str,
    target: str,
    reason: str,
    expires_at: datetime | None = None,
    duration: timedelta | None = None,
    params: Any = None,
    actor: str,
    user=None,
    alert: Alert | None = None,
    now: datetime | None = None,
) -> Intervention:
    """Apply an intervention to ``target`` until ``expires_at`` (or for ``duration``)."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if kind not in STAFF_KINDS:
        errors["kind"] = [f"One of: {', '.join(STAFF_KINDS)}."]
    target = (target or "").strip() if isinstance(target, str) else ""
    if not target or len(target) > TARGET_KEY_CHARS:
        errors["target"] = [f"The target's key, 1-{TARGET_KEY_CHARS} characters."]
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > MAX_REASON_CHARS:
        errors["reason"] = [f"Say why, in at most {MAX_REASON_CHARS} characters."]
    if errors:
        raise InvalidInput(_("The intervention has invalid fields."), fields=errors)
    # Well-formed fields that do not make an end time (neither given, or out of bounds): 422.
    if expires_at is None and duration is not None:
        expires_at = now + duration
    if expires_at is None:
        raise Unprocessable(_("Say when the intervention ends."),
                            fields={"expires_at": ["Required (or duration_minutes): when the intervention ends."]})
    if not MIN_DURATION <= expires_at - now <= MAX_DURATION:
        raise Unprocessable(_("The intervention ends too soon or too late."),
                            fields={"expires_at": ["Between one minute and 90 days from now."]})
    clean = _clean_params(kind, params)
    with transaction.atomic():
        intervention = Intervention.objects.create(
            kind=kind,
            target=target,
            params=clean,
            reason=reason,
            alert=alert,
            starts_at=now,
            expires_at=expires_at,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            created_actor=actor,
        )
        events.intervention_created(actor=actor, intervention=intervention)
        if alert is not None and alert.state == Alert.State.OPEN:
            Alert.objects.filter(pk=alert.pk).update(state=Alert.State.ACKNOWLEDGED)
        timers.schedule(EXPIRY_TIMER, intervention, expires_at)
        _send(intervention, "apply")
    return intervention


def _end(intervention_id: int, *, state: str, actor: str, reason: str, now: datetime) -> Intervention:
    """End an active intervention. Call inside a transaction."""
    intervention = Intervention.objects.select_for_update(of=("self",)).select_related("complaint").get(pk=intervention_id)
    if intervention.state != Intervention.State.ACTIVE:
        raise Conflict(_("This intervention has already ended."), code=ErrorCode.ALREADY_ENDED)
    intervention.state = state
    intervention.ended_at = now
    intervention.ended_actor = actor
    intervention.save(update_fields=["state", "ended_at", "ended_actor"])
    if state == Intervention.State.LIFTED:
        timers.cancel(EXPIRY_TIMER, intervention)
    events.intervention_ended(actor=actor, intervention=intervention, reason=reason)
    _send(intervention, "lift")
    if intervention.kind == Intervention.Kind.VICTIM_PROTECTION:
        transaction.on_commit(forget_cached_names)
    return intervention


def intervention_lift(*, intervention: Intervention, actor: str, reason: str = "", now: datetime | None = None) -> Intervention:
    """End an intervention before its expiry (staff, or the victim for their protection)."""
    now = now or timezone.now()
    with transaction.atomic():
        return _end(intervention.pk, state=Intervention.State.LIFTED, actor=actor, reason=reason, now=now)


def intervention_expire(intervention_id: int, *, now: datetime | None = None) -> str:
    """Expire an intervention whose time is up; idempotent. Returns an outcome word."""
    now = now or timezone.now()
    with transaction.atomic():
        intervention = Intervention.objects.select_for_update().filter(pk=intervention_id).first()
        if intervention is None:
            return "skipped:missing"
        if intervention.state != Intervention.State.ACTIVE:
            return f"skipped:{intervention.state}"
        if intervention.expires_at > now:
            return "skipped:not_due"
        _end(intervention.pk, state=Intervention.State.EXPIRED, actor=actors.SYSTEM, reason="expired", now=now)
    return "expired"


# ---------------------------------------------------------------------------
# One-click protection.


def active_protection(complaint) -> Intervention | None:
    return (
        Intervention.objects.filter(
            complaint=complaint, kind=Intervention.Kind.VICTIM_PROTECTION, state=Intervention.State.ACTIVE
        )
        .order_by("-starts_at")
        .first()
    )


def protection_allowed(complaint) -> bool:
    """Only the victim's side of a named notice may ask; not anonymous reports or flaggers."""
    return not complaint.is_anonymous and complaint.relationship in ("self", "guardian", "representative")


def protection_activate(*, complaint, account: str = "", now: datetime | None = None) -> Intervention:
    """Turn on protection for the victim of ``complaint``; a repeat returns the active one.

    Restricts strangers' messages, comments and reposts on the host platform until it
    ends, and adds the victim's name to screening's protected names.
    """
    now = now or timezone.now()
    if not protection_allowed(complaint):
        raise InvalidInput(_("Protection can only be turned on by the person concerned or their representative."))
    account = (account or "").strip()
    if len(account) > 128:
        raise InvalidInput(_("Invalid account."), fields={"account": [_("At most 128 characters.")]})
    # The person to protect: the complainant when filing for themselves, else the victim.
    name = complaint.complainant_name if complaint.relationship == "self" else complaint.victim_name
    name = (name or "").strip()
    with transaction.atomic():
        # Serialises two clicks on the same case: the second finds the first's row.
        type(complaint).objects.select_for_update().filter(pk=complaint.pk).first()
        existing = active_protection(complaint)
        if existing is not None:
            return existing
        expires_at = now + timedelta(days=protection_days())
        intervention = Intervention.objects.create(
            kind=Intervention.Kind.VICTIM_PROTECTION,
            target=account or f"case:{complaint.reference}",
            params={
                "restrictions": list(PROTECTION_RESTRICTIONS),
                "account": account,
                "items": [item.url for item in complaint.items.all()],
            },
            reason="Protection requested by the person concerned from the case's tracking page.",
            complaint=complaint,
            protected_name=name,
            starts_at=now,
            expires_at=expires_at,
            created_actor=actors.COMPLAINANT,
        )
        events.protection_activated(intervention=intervention, restrictions=PROTECTION_RESTRICTIONS,
                                    account_given=bool(account), name_protected=bool(name))
        timers.schedule(EXPIRY_TIMER, intervention, expires_at)
        _send(intervention, "apply")
        transaction.on_commit(forget_cached_names)
    return intervention
