"""Instructions to the host platform: the outbox, its delivery, and the demo receiver.

``webhook_enqueue`` is the one way any app asks the host platform to do something.
Delivery is at least once; the platform de-duplicates on the idempotency key.
"""

from __future__ import annotations

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

from deadlines import timers
from hostplatform import events, hooks, signing
from hostplatform.models import DemoPlatformAction, WebhookDelivery
from takedown.exceptions import Forbidden, InvalidInput

logger = logging.getLogger(__name__)

RETRY_TIMER = "webhook_retry"
# A publish lost with the broker is picked up by the retry timer this long after enqueue.
LOST_PUBLISH_GRACE_SECONDS = 60


def max_attempts() -> int:
    return int(getattr(settings, "HOST_PLATFORM_WEBHOOK_MAX_ATTEMPTS", 8))


def target_url() -> str:
    return getattr(settings, "HOST_PLATFORM_WEBHOOK_URL", "") or ""


# --- Enqueue --------------------------------------------------------------------------------


def webhook_enqueue(*, event: str, payload: dict, idempotency_key: str, subject) -> WebhookDelivery:
    """Queue one instruction for the host platform. Call inside the caller's transaction.

    A repeated key returns the existing delivery untouched, so a retried caller never
    sends a second, different instruction under the same key. ``subject`` is a model
    instance or a ``(type, id)`` pair naming what the instruction is about.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("webhook_enqueue must run inside the caller's transaction")
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
    from hostplatform import tasks
    from takedown.tasks import enqueue

    enqueue(tasks.deliver, delivery_id)


# --- Delivery -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    delivery_id: int
    event: str
    body: bytes
    idempotency_key: str
    number: int


def body_for(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": delivery.idempotency_key,
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
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
        return Attempt(delivery.pk, delivery.event, body_for(delivery), delivery.idempotency_key, delivery.attempts)


def _send(attempt: Attempt) -> tuple[int, str]:
    """POST the signed body; (HTTP status, short error text). Status 0: no answer."""
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        signing.SIGNATURE_HEADER: signing.sign(settings.WEBHOOK_SECRET, timestamp, attempt.body),
        signing.TIMESTAMP_HEADER: str(timestamp),
        signing.IDEMPOTENCY_HEADER: attempt.idempotency_key,
    }
    url = target_url()
    if not url:
        # The built-in demo platform, reached in-process so the embedded default needs
        # no web server to be listening for its own worker; the same checks run.
        try:
            demo_platform_receive(body=attempt.body, headers=headers)
        except Forbidden as exc:
            return 401, exc.message
        except InvalidInput as exc:
            return 400, exc.message
        return 200, ""
    request = urllib.request.Request(url, data=attempt.body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (operator-set URL)
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return 0, f"{type(exc).__name__}: {exc}"[:500]


def _permanent(status: int) -> bool:
    """The platform refused the instruction itself: retrying cannot help."""
    return 400 <= status < 500 and status not in (401, 408, 409, 425, 429)


def delivery_attempt(delivery_id: int) -> str:
    """Deliver once if due; record the result. Returns an outcome word (for the task log)."""
    attempt = _claim_attempt(delivery_id)
    if attempt is None:
        return "skipped"
    status, error = _send(attempt)
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=attempt.delivery_id)
        if delivery.state != WebhookDelivery.State.PENDING:
            return "skipped"
        delivery.response_status = status or None
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
            delivery.save(update_fields=["response_status", "updated_at", "last_error"])
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
            raise InvalidInput("This instruction was already carried out.", code="already_done")
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


def demo_platform_receive(*, body: bytes, headers) -> DemoPlatformAction:
    """What the demo platform does with a webhook: check it, record it once, answer.

    ``headers`` is any mapping with the webhook's header names (case as sent).
    """
    signature = headers.get(signing.SIGNATURE_HEADER, "")
    timestamp = headers.get(signing.TIMESTAMP_HEADER, "")
    if not signing.verify(settings.WEBHOOK_SECRET, timestamp, body, signature, now=int(time.time())):
        raise Forbidden("Bad or missing signature.", code="bad_signature")
    key = headers.get(signing.IDEMPOTENCY_HEADER, "")
    try:
        envelope = json.loads(body)
        event = str(envelope["event"])
        data = envelope.get("data") or {}
    except (ValueError, KeyError, TypeError):
        raise InvalidInput("The body is not a webhook envelope.") from None
    if not key or key != envelope.get("id"):
        raise InvalidInput("The Idempotency-Key header must match the body's id.")
    now = timezone.now()
    with transaction.atomic():
        action, created = DemoPlatformAction.objects.select_for_update().get_or_create(
            idempotency_key=key, defaults={"event": event, "payload": data, "received_at": now}
        )
        if not created:
            action.times_received += 1
            action.save(update_fields=["times_received"])
        events.demo_received(action=action, event=event, key=key, repeat=not created)
    return action
