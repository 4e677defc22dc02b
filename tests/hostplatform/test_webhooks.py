"""The webhook outbox: signatures, delivery, retries with backoff, escalation, callbacks, the demo platform."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from deadlines.models import Timer
from deadlines.sweep import sweep
from hostplatform import hooks, services, signing
from hostplatform.models import DemoPlatformAction, WebhookDelivery


def test_signature_binds_timestamp_and_body():
    body = b'{"a":1}'
    sig = signing.sign("secret", 1700000000, body)
    assert sig.startswith("v1=") and len(sig) == 3 + 64
    assert signing.verify("secret", "1700000000", body, sig, now=1700000100)
    assert not signing.verify("secret", "1700000000", b'{"a":2}', sig, now=1700000100)
    assert not signing.verify("secret", "1700000001", body, sig, now=1700000100)
    assert not signing.verify("other", "1700000000", body, sig, now=1700000100)
    assert not signing.verify("secret", "1700000000", body, sig, now=1700009999)  # replayed too late


def test_backoff_doubles_up_to_a_cap():
    assert [signing.backoff_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert signing.backoff_seconds(30) == 3600


def _enqueue(key="k-1", event="measure.apply", payload=None):
    with transaction.atomic():
        return services.webhook_enqueue(event=event, payload=payload or {"item": {"url": "https://x.example/1"}},
                                        idempotency_key=key, subject=("itemaction", 1))


def test_delivery_to_the_demo_platform_is_signed_recorded_once_and_audited(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _enqueue()
    delivery.refresh_from_db()
    assert delivery.state == "done" and delivery.attempts == 1
    action = DemoPlatformAction.objects.get()
    assert action.idempotency_key == "k-1" and action.payload["item"]["url"] == "https://x.example/1"
    assert AuditEvent.objects.filter(code="webhook.delivered", target_id=str(delivery.pk)).exists()
    # The same key again: the existing delivery, no second instruction.
    assert _enqueue().pk == delivery.pk
    assert WebhookDelivery.objects.count() == 1
    assert not Timer.objects.filter(kind="webhook_retry", state="pending").exists()


def test_demo_webhook_view_checks_the_signature_and_is_idempotent(db):
    body = json.dumps({"id": "key-9", "event": "measure.apply", "data": {"x": 1}}).encode()
    ts = int(time.time())
    from django.conf import settings

    headers = {"HTTP_X_TAKEDOWN_SIGNATURE": signing.sign(settings.WEBHOOK_SECRET, ts, body),
               "HTTP_X_TAKEDOWN_TIMESTAMP": str(ts), "HTTP_IDEMPOTENCY_KEY": "key-9"}
    client = Client()
    ok = client.post("/demo-platform/webhook", body, content_type="application/json", **headers)
    assert ok.status_code == 200 and ok.json()["repeat"] is False
    again = client.post("/demo-platform/webhook", body, content_type="application/json", **headers)
    assert again.json()["repeat"] is True
    assert DemoPlatformAction.objects.get().times_received == 2
    forged = client.post("/demo-platform/webhook", body, content_type="application/json",
                         **{**headers, "HTTP_X_TAKEDOWN_SIGNATURE": "v1=" + "0" * 64})
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "bad_signature"


class _Platform(BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[tuple[dict, bytes]] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        status = type(self).answers.pop(0) if type(self).answers else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def platform(settings):
    server = HTTPServer(("127.0.0.1", 0), _Platform)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Platform.answers, _Platform.received = [], []
    settings.HOST_PLATFORM_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/hook"
    yield _Platform
    server.shutdown()


def test_real_endpoint_gets_the_signed_headers(db, platform, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _enqueue(key="real-1")
    headers, body = platform.received[0]
    assert headers["Idempotency-Key"] == "real-1"
    assert signing.verify(settings.WEBHOOK_SECRET, headers["X-Takedown-Timestamp"], body,
                          headers["X-Takedown-Signature"], now=int(time.time()))
    assert json.loads(body)["event"] == "measure.apply"
    delivery.refresh_from_db()
    assert delivery.state == "done"


def test_failures_are_retried_with_backoff_then_escalated_with_callbacks(db, platform, settings, monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    settings.HOST_PLATFORM_WEBHOOK_MAX_ATTEMPTS = 3
    platform.answers = [503, 503, 503]
    seen = []
    monkeypatch.setitem(hooks.delivery_finished._handlers, "test.escalation", lambda d: seen.append(d.state))
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _enqueue(key="flaky", event="test.escalation")
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.attempts == 1 and "503" in delivery.last_error
    first_retry = delivery.next_attempt_at
    assert 25 <= (first_retry - delivery.updated_at).total_seconds() <= 35
    for _ in range(2):
        delivery.refresh_from_db()
        # The retry timer fires when the next attempt is due; it publishes the task again.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            sweep(now=timezone.now() + timedelta(hours=2))
    delivery.refresh_from_db()
    assert delivery.state == "escalated" and delivery.attempts == 3
    assert len(platform.received) == 3
    assert seen == ["escalated"]
    assert AuditEvent.objects.filter(code="webhook.escalated", target_id=str(delivery.pk)).exists()


def test_a_permanent_refusal_fails_at_once(db, platform, django_capture_on_commit_callbacks):
    platform.answers = [422]
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _enqueue(key="refused")
    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.attempts == 1


def test_a_lost_publish_is_picked_up_by_the_retry_timer(db, django_capture_on_commit_callbacks):
    delivery = _enqueue(key="lost")  # no commit callbacks run: the publish never happened
    assert WebhookDelivery.objects.get(pk=delivery.pk).state == "pending"
    timer = Timer.objects.get(kind="webhook_retry", target_id=delivery.pk)
    assert timer.due_at > delivery.created_at
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=timer.due_at + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert delivery.state == "done"


def test_a_duplicate_task_does_not_deliver_twice(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _enqueue(key="dup")
    assert services.delivery_attempt(delivery.pk) == "skipped"
    assert DemoPlatformAction.objects.get().times_received == 1


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError):
        services.webhook_enqueue(event="x", payload={}, idempotency_key="nope", subject=("x", 1))
