"""Instructions to the host platform: the outbox, its delivery, and the demo receiver.

``webhook_enqueue`` is the one way any app asks the host platform to do something.
Delivery is at least once, as Standard Webhooks: the idempotency key is the ``webhook-id``,
the same on every attempt, and the platform de-duplicates on it.
"""

from __future__ import annotations

import functools
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines import timers
from hostplatform import events, hooks, platforms, signing
from hostplatform.models import DemoPlatformAction, Platform, WebhookDelivery
from takedown import bodies
from takedown.exceptions import ErrorCode, Forbidden, InvalidInput, NotFound

logger = logging.getLogger(__name__)

RETRY_TIMER = "webhook_retry"
# A publish lost with the broker is picked up by the retry timer this long after enqueue.
LOST_PUBLISH_GRACE_SECONDS = 60
# With no receiver configured a delivery is not attempted; it is looked at again this often
# and goes out once a receiver is configured (attempts are not used up meanwhile).
UNCONFIGURED_RECHECK_SECONDS = 300
UNCONFIGURED_ERROR = "No host platform is configured: HOST_PLATFORM_WEBHOOK_URL is empty"


def max_attempts() -> int:
    return settings.HOST_PLATFORM_WEBHOOK_MAX_ATTEMPTS


def _platform(platform_id: int | None) -> Platform:
    if platform_id is None:
        return platforms.default_platform()
    return Platform.objects.get(pk=platform_id)


def target_url(platform: Platform | None = None) -> str:
    return platforms.webhook_url(platform or platforms.default_platform())


def receiver(platform: Platform | None = None) -> str:
    """Where a platform's deliveries go: ``"url"``, ``"demo"`` (the built-in platform,
    in-process) or ``"none"`` (nowhere: deliveries wait, and /healthz says so)."""
    if target_url(platform):
        return "url"
    return "demo" if settings.DEMO_PLATFORM else "none"


@functools.lru_cache(maxsize=16)
def _keys_for(secrets: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(signing.secret_bytes(secret) for secret in secrets)


def signing_keys(platform: Platform | None = None) -> tuple[bytes, ...]:
    """A platform's active secrets' bytes, newest first (the default platform's are
    settings.WEBHOOK_SECRETS, checked at start-up, until it has its own)."""
    return _keys_for(tuple(platforms.active_secrets(platform or platforms.default_platform())))


# --- Enqueue --------------------------------------------------------------------------------


def webhook_enqueue(*, event: str, payload: dict, idempotency_key: str, subject,
                    platform: Platform | None = None) -> WebhookDelivery:
    """Queue one instruction for a host platform (the default one unless ``platform`` is
    given). Call inside the caller's transaction.

    A repeated key returns the existing delivery untouched, so a retried caller never
    sends a second, different instruction under the same key. ``subject`` is a model
    instance or a ``(type, id)`` pair naming what the instruction is about.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("webhook_enqueue must run inside the caller's transaction")
    if not signing.MESSAGE_ID_RE.match(idempotency_key):
        # The key is the signed webhook-id: no full stop, nothing a header cannot carry.
        raise ValueError(f"idempotency key {idempotency_key!r}: letters, digits, '_', ':' and '-' only")
    if isinstance(subject, models.Model):
        subject_type, subject_id = subject._meta.model_name, int(subject.pk)
    else:
        subject_type, subject_id = subject[0], int(subject[1])
    now = timezone.now()
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                event=event,
                payload=payload,
                idempotency_key=idempotency_key,
                platform=platform,
                subject_type=subject_type,
                subject_id=subject_id,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        return WebhookDelivery.objects.get(idempotency_key=idempotency_key)
    # The safety net: if the publish below is lost (broker down, worker killed), the
    # sweep fires this timer and publishes again. A delivered row makes it a no-op.
    timers.schedule(RETRY_TIMER, delivery, now + timedelta(seconds=LOST_PUBLISH_GRACE_SECONDS))
    _publish(delivery.pk)
    return delivery


def _finished(delivery: WebhookDelivery) -> None:
    handler = hooks.delivery_finished.get(delivery.event)
    if handler is not None:
        handler(delivery)


def _publish(delivery_id: int) -> None:
    from deadlines import outbox
    from hostplatform import tasks

    outbox.enqueue(tasks.deliver, delivery_id)


# --- Delivery -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    delivery_id: int
    event: str
    body: bytes
    idempotency_key: str
    number: int
    platform_id: int | None = None


def body_for(delivery: WebhookDelivery) -> bytes:
    """The Standard Webhooks payload: ``type``, ``timestamp`` (when the event happened, the
    same on every attempt), ``data``; ``id`` repeats the webhook-id header."""
    envelope = {
        "id": delivery.idempotency_key,
        "type": delivery.event,
        "timestamp": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _claim_attempt(delivery_id: int) -> Attempt | None:
    """Take the next attempt of a due, pending delivery, or None if there is nothing to do.

    The attempt is committed before the request goes out and the next attempt is
    scheduled at once: a worker that dies mid-request leaves a row the retry timer
    picks up, and a duplicate task finds ``next_attempt_at`` in the future and stops.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.state != WebhookDelivery.State.PENDING:
            return None
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + timedelta(seconds=signing.backoff_seconds(delivery.attempts))
        delivery.updated_at = now
        delivery.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
        if delivery.attempts < max_attempts():
            timers.schedule(RETRY_TIMER, delivery, delivery.next_attempt_at)
        else:
            # The last attempt: if it dies mid-request, this timer escalates the delivery.
            timers.schedule(RETRY_TIMER, delivery, delivery.next_attempt_at, payload={"final": True})
        return Attempt(delivery.pk, delivery.event, body_for(delivery), delivery.idempotency_key, delivery.attempts,
                       delivery.platform_id)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is a failed delivery (Standard Webhooks, "Delivery success and failure"): the
    operator fixes the URL; following it would send a signed instruction somewhere unnamed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)
ANSWER_LIMIT = 2000  # characters of the receiver's answer kept on the delivery


@dataclass(frozen=True)
class Answer:
    status: int  # HTTP status; 0 when there was no answer
    body: str = ""
    error: str = ""


def _read_answer(stream) -> str:
    try:
        return stream.read(ANSWER_LIMIT * 4).decode("utf-8", "replace")[:ANSWER_LIMIT]
    except (OSError, ValueError):
        return ""


def _send(attempt: Attempt) -> Answer:
    """POST the signed body to the platform's receiver, signed with its own secrets."""
    platform = _platform(attempt.platform_id)
    try:
        keys = signing_keys(platform)
        signed = signing.headers(keys, attempt.idempotency_key, int(time.time()), attempt.body)
    except signing.SecretError as exc:
        return Answer(0, error=f"{platform.slug}: {exc}")
    headers = {"Content-Type": "application/json", "User-Agent": "takedown-webhooks/1", **signed}
    if receiver(platform) == "demo":
        # The built-in demo platform, reached in-process so the embedded default needs
        # no web server to be listening for its own worker; the same checks run.
        try:
            action = demo_platform_receive(body=attempt.body, headers=headers, platform=platform)
        except Forbidden as exc:
            return Answer(401, error=exc.message)
        except InvalidInput as exc:
            return Answer(400, error=exc.message)
        return Answer(200, body=json.dumps({"ok": True, "action": action.pk}))
    request = urllib.request.Request(target_url(platform), data=attempt.body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=settings.HOST_PLATFORM_WEBHOOK_TIMEOUT) as response:
            return Answer(response.status, body=_read_answer(response))
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, body=_read_answer(exc), error=f"HTTP {exc.code}")
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        return Answer(0, error=f"{type(exc).__name__}: {exc}"[:500])


def _wait_for_receiver(delivery_id: int) -> str:
    """No receiver is configured: leave the delivery pending, say why, and look again later.

    Nothing is recorded as delivered and no attempt is used up; the error is logged on
    every look so an operator cannot miss it.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.state != WebhookDelivery.State.PENDING:
            return "skipped"
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return "skipped"
        delivery.last_error = UNCONFIGURED_ERROR
        delivery.next_attempt_at = now + timedelta(seconds=UNCONFIGURED_RECHECK_SECONDS)
        delivery.updated_at = now
        delivery.save(update_fields=["last_error", "next_attempt_at", "updated_at"])
        timers.schedule(RETRY_TIMER, delivery, delivery.next_attempt_at)
    logger.error("webhook %s (%s) not sent: %s", delivery.idempotency_key, delivery.event, UNCONFIGURED_ERROR)
    return "unconfigured"


def _permanent(status: int) -> bool:
    """The platform refused the instruction itself: retrying cannot help."""
    return 400 <= status < 500 and status not in (401, 408, 409, 425, 429)


def delivery_attempt(delivery_id: int) -> str:
    """Deliver once if due; record the result. Returns an outcome word (for the task log)."""
    platform_id = WebhookDelivery.objects.filter(pk=delivery_id).values_list("platform_id", flat=True).first()
    if receiver(_platform(platform_id)) == "none":
        return _wait_for_receiver(delivery_id)
    attempt = _claim_attempt(delivery_id)
    if attempt is None:
        return "skipped"
    answer = _send(attempt)
    status, error = answer.status, answer.error
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=attempt.delivery_id)
        if delivery.state != WebhookDelivery.State.PENDING:
            return "skipped"
        delivery.response_status = status or None
        delivery.response_body = answer.body
        delivery.updated_at = now
        if 200 <= status < 300:
            delivery.state = WebhookDelivery.State.DONE
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            delivery.last_error = ""
            outcome = "delivered"
        elif _permanent(status):
            delivery.state = WebhookDelivery.State.FAILED
            delivery.next_attempt_at = None
            delivery.last_error = error
            outcome = "failed"
        elif delivery.attempts >= max_attempts():
            delivery.state = WebhookDelivery.State.ESCALATED
            delivery.next_attempt_at = None
            delivery.last_error = error
            outcome = "escalated"
        else:
            delivery.last_error = error
            delivery.save(update_fields=["response_status", "response_body", "updated_at", "last_error"])
            return "retry"
        delivery.save()
        timers.cancel(RETRY_TIMER, delivery)
        events.delivery_ended(delivery=delivery, outcome=outcome, status=status, error=error)
        _finished(delivery)
    return delivery.state


def retry_due(delivery: WebhookDelivery, *, final: bool, now=None) -> str:
    """The retry timer fired: publish again, or escalate a delivery whose last attempt died.

    Call inside the sweep's transaction with the delivery row locked.
    """
    if delivery.state != WebhookDelivery.State.PENDING:
        return f"skipped:{delivery.state}"
    now = now or timezone.now()
    if delivery.next_attempt_at and delivery.next_attempt_at > now:
        return "skipped:not_due"
    if final and delivery.attempts >= max_attempts():
        delivery.state = WebhookDelivery.State.ESCALATED
        delivery.next_attempt_at = None
        delivery.last_error = delivery.last_error or "no answer to the last attempt"
        delivery.updated_at = now
        delivery.save()
        events.delivery_ended(delivery=delivery, outcome="escalated", status=None, error=delivery.last_error)
        _finished(delivery)
        return "escalated"
    _publish(delivery.pk)
    return "republished"


def delivery_retry_now(*, delivery: WebhookDelivery, actor: str) -> WebhookDelivery:
    """Staff send an escalated or failed delivery again (after fixing the platform side)."""
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.state == WebhookDelivery.State.DONE:
            raise InvalidInput(_("This instruction was already carried out."), code=ErrorCode.ALREADY_DONE)
        now = timezone.now()
        locked.state = WebhookDelivery.State.PENDING
        locked.attempts = 0
        locked.next_attempt_at = now
        locked.updated_at = now
        locked.save()
        events.delivery_retried(actor=actor, delivery=locked)
        timers.schedule(RETRY_TIMER, locked, now + timedelta(seconds=LOST_PUBLISH_GRACE_SECONDS))
        _publish(locked.pk)
    return locked


# --- The built-in demo host platform -------------------------------------------------------


def demo_platform_receive(*, body: bytes, headers, platform: Platform | None = None) -> DemoPlatformAction:
    """What the demo platform does with a webhook: verify it as any receiver would (Standard
    Webhooks signature and timestamp), record it once per webhook-id, answer.

    ``headers`` is any mapping of the request's headers (names in any case). Refused with
    404 unless the demo platform is switched on (settings.DEMO_PLATFORM).
    """
    if not settings.DEMO_PLATFORM:
        raise NotFound(_("There is no demo platform here."))
    platform = platform or platforms.default_platform()
    if not signing.verify(signing_keys(platform), headers, body, now=int(time.time())):
        raise Forbidden(_("Bad or missing signature."), code=ErrorCode.BAD_SIGNATURE)
    key = {str(k).lower(): v for k, v in headers.items()}[signing.ID_HEADER]
    try:
        envelope = bodies.loads(body)
        event = str(envelope["type"])
        data = envelope.get("data") or {}
    except (ValueError, KeyError, TypeError):
        raise InvalidInput(_("The body is not a webhook payload (type, timestamp, data).")) from None
    if envelope.get("id", key) != key:
        raise InvalidInput(_("The webhook-id header must match the body's id."))
    now = timezone.now()
    with transaction.atomic():
        action, created = DemoPlatformAction.objects.select_for_update().get_or_create(
            idempotency_key=key, defaults={"event": event, "payload": data, "received_at": now, "platform": platform}
        )
        if not created:
            action.times_received += 1
            action.save(update_fields=["times_received"])
        events.demo_received(action=action, event=event, key=key, repeat=not created)
    return action
