"""The webhook outbox: Standard Webhooks signatures (checked with the stock `standardwebhooks`
library, as a host platform would), delivery, retries with backoff, escalation, callbacks,
no receiver configured, and the demo platform."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from audit.models import AuditEvent
from deadlines.models import Timer
from deadlines.sweep import sweep
from hostplatform import hooks, services, signing
from hostplatform.models import DemoPlatformAction, WebhookDelivery


def new_secret(size: int = 32) -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(size)).decode()


# --- Signing ---------------------------------------------------------------------------------


def test_signature_matches_the_published_test_vector():
    # The Standard Webhooks reference libraries' vector (libraries/python/tests/test_webhooks.py,
    # test_sign_function): secret, id, timestamp and payload give exactly this signature.
    key = signing.secret_bytes("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    signature = signing.sign([key], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_every_rotation_secret_signs_and_the_stock_library_accepts_each():
    new, old, stranger = new_secret(), new_secret(24), new_secret(64)
    body = json.dumps({"type": "measure.apply", "data": {"x": "中文"}}, ensure_ascii=False).encode()
    now = int(time.time())
    headers = signing.headers([signing.secret_bytes(new), signing.secret_bytes(old)], "decision-1-apply-item-2", now, body)
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (new, old):
        assert Webhook(secret).verify(body, headers)["data"]["x"] == "中文"
    with pytest.raises(WebhookVerificationError):
        Webhook(stranger).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(body.replace("中文".encode(), b"x"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(body, {**headers, "webhook-id": "decision-1-apply-item-3"})
    # Our own verifier agrees with the library, including on a replay outside the tolerance.
    keys = [signing.secret_bytes(old)]
    assert signing.verify(keys, headers, body, now=now + 10)
    assert not signing.verify(keys, headers, body, now=now + 301)
    assert not signing.verify([signing.secret_bytes(stranger)], headers, body, now=now)


@pytest.mark.parametrize("secret", ["not-whsec", "whsec_!!!", "whsec_" + base64.b64encode(b"x" * 23).decode(),
                                    "whsec_" + base64.b64encode(b"x" * 65).decode()])
def test_malformed_secrets_are_refused(secret):
    with pytest.raises(signing.SecretError):
        signing.secret_bytes(secret)


def test_a_webhook_id_with_a_full_stop_cannot_be_signed():
    with pytest.raises(ValueError):
        signing.sign([b"k" * 32], "a.b", 1, b"{}")


def test_backoff_doubles_up_to_a_cap():
    assert [signing.backoff_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert signing.backoff_seconds(30) == 3600


# --- Delivery --------------------------------------------------------------------------------


def _enqueue(key="k-1", event="measure.apply", payload=None):
    with transaction.atomic():
        return services.webhook_enqueue(event=event, payload=payload or {"item": {"url": "https://x.example/1"}},
                                        idempotency_key=key, subject=("itemaction", 1))


def test_delivery_to_the_demo_platform_is_signed_recorded_once_and_audited(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _enqueue()
    delivery.refresh_from_db()
    assert delivery.state == "done" and delivery.attempts == 1 and delivery.response_status == 200
    action = DemoPlatformAction.objects.get()
    assert action.idempotency_key == "k-1" and action.payload["item"]["url"] == "https://x.example/1"
    assert AuditEvent.objects.filter(code="webhook.delivered", target_id=str(delivery.pk)).exists()
    # The same key again: the existing delivery, no second instruction.
    assert _enqueue().pk == delivery.pk
    assert WebhookDelivery.objects.count() == 1
    assert not Timer.objects.filter(kind="webhook_retry", state="pending").exists()


def test_demo_webhook_view_checks_the_signature_and_is_idempotent(db, settings):
    body = json.dumps({"id": "key-9", "type": "measure.apply", "timestamp": "2026-01-01T00:00:00+00:00",
                       "data": {"x": 1}}).encode()
    signed = signing.headers(services.signing_keys(), "key-9", int(time.time()), body)
    headers = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in signed.items()}
    client = Client()
    ok = client.post("/demo-platform/webhook", body, content_type="application/json", **headers)
    assert ok.status_code == 200 and ok.json()["repeat"] is False
    again = client.post("/demo-platform/webhook", body, content_type="application/json", **headers)
    assert again.json()["repeat"] is True
    assert DemoPlatformAction.objects.get().times_received == 2
    forged = client.post("/demo-platform/webhook", body, content_type="application/json",
                         **{**headers, "HTTP_WEBHOOK_SIGNATURE": "v1," + base64.b64encode(b"0" * 32).decode()})
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "bad_signature"
    # Switched off, the demo platform is not there at all.
    settings.DEMO_PLATFORM = False
    assert client.post("/demo-platform/webhook", body, content_type="application/json", **headers).status_code == 404
    assert DemoPlatformAction.objects.get().times_received == 2


class Receiver:
    """A host platform's endpoint: verifies every request with the stock library (each
    secret it was given), records it, and answers with the next scripted status."""

    def __init__(self, secrets_: list[str]):
        self.hooks = [Webhook(s) for s in secrets_]
        self.answers: list[int] = []
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                verified = []
                for hook in receiver.hooks:
                    try:
                        hook.verify(body, headers)
                        verified.append(True)
                    except WebhookVerificationError:
                        verified.append(False)
                receiver.received.append({"headers": headers, "body": json.loads(body), "verified": verified})
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                answer = json.dumps({"accepted": status < 300, "seq": len(receiver.received)}).encode()
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def rotation(settings):
    """Two active secrets, newest first, as during a rotation."""
    settings.WEBHOOK_SECRETS = [new_secret(), new_secret()]
    return list(settings.WEBHOOK_SECRETS)


@pytest.fixture
def platform(settings, rotation):
    receiver = Receiver(rotation)
    settings.HOST_PLATFORM_WEBHOOK_URL = receiver.url
    yield receiver
    receiver.server.shutdown()


def test_real_endpoint_gets_standard_webhooks_signed_by_every_active_secret(db, platform,
                                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _enqueue(key="real-1")
    [request] = platform.received
    assert request["verified"] == [True, True]
    assert request["headers"]["webhook-id"] == "real-1"
    assert request["body"] == {"id": "real-1", "type": "measure.apply", "timestamp": delivery.created_at.isoformat(),
                               "data": {"item": {"url": "https://x.example/1"}}}
    delivery.refresh_from_db()
    assert delivery.state == "done" and delivery.response_status == 200
    assert json.loads(delivery.response_body) == {"accepted": True, "seq": 1}
    assert not DemoPlatformAction.objects.exists()  # a URL is set: the demo platform is not involved


def test_failures_are_retried_with_the_same_id_and_backoff_then_escalated_with_callbacks(
        db, platform, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.HOST_PLATFORM_WEBHOOK_MAX_ATTEMPTS = 3
    platform.answers = [503, 503, 503]
    seen = []
    monkeypatch.setitem(hooks.delivery_finished._handlers, "test.escalation", lambda d: seen.append(d.state))
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _enqueue(key="flaky", event="test.escalation")
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.attempts == 1 and "503" in delivery.last_error
    assert delivery.response_status == 503 and json.loads(delivery.response_body)["accepted"] is False
    first_retry = delivery.next_attempt_at
    assert 25 <= (first_retry - delivery.updated_at).total_seconds() <= 35
    for _ in range(2):
        # The retry timer fires when the next attempt is due; it publishes the task again.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            sweep(now=timezone.now() + timedelta(hours=2))
    delivery.refresh_from_db()
    assert delivery.state == "escalated" and delivery.attempts == 3
    assert len(platform.received) == 3
    # One message, three attempts: the same webhook-id (the platform's idempotency key)
    # and body every time, each attempt signed afresh.
    assert {r["headers"]["webhook-id"] for r in platform.received} == {"flaky"}
    assert len({json.dumps(r["body"], sort_keys=True) for r in platform.received}) == 1
    assert all(r["verified"] == [True, True] for r in platform.received)
    assert seen == ["escalated"]
    assert AuditEvent.objects.filter(code="webhook.escalated", target_id=str(delivery.pk)).exists()


def test_a_permanent_refusal_fails_at_once(db, platform, django_capture_on_commit_callbacks):
    platform.answers = [422]
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _enqueue(key="refused")
    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.attempts == 1 and delivery.response_status == 422


def test_a_redirect_is_a_failed_attempt_and_is_not_followed(db, platform, django_capture_on_commit_callbacks):
    platform.answers = [302]
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _enqueue(key="moved")
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.response_status == 302 and delivery.attempts == 1
    assert len(platform.received) == 1


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


def test_with_no_receiver_configured_nothing_is_recorded_as_delivered(db, settings, rotation,
                                                                       django_capture_on_commit_callbacks, caplog):
    settings.DEMO_PLATFORM = False
    settings.HOST_PLATFORM_WEBHOOK_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        delivery = _enqueue(key="nowhere")
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.attempts == 0 and delivery.delivered_at is None
    assert delivery.last_error == services.UNCONFIGURED_ERROR
    assert "HOST_PLATFORM_WEBHOOK_URL is empty" in caplog.text
    assert not DemoPlatformAction.objects.exists()
    assert not AuditEvent.objects.filter(code="webhook.delivered").exists()
    health = Client().get("/healthz").json()
    assert health["webhooks"] == "unconfigured" and health["status"] == "degraded"
    # Hours later, still nothing configured: still pending, no attempt used up.
    for hours in (1, 2):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            sweep(now=timezone.now() + timedelta(hours=hours))
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.attempts == 0
    assert Timer.objects.filter(kind="webhook_retry", target_id=delivery.pk, state="pending").exists()
    # The operator configures the receiver: the waiting delivery goes out at the next look.
    receiver = Receiver(rotation)
    settings.HOST_PLATFORM_WEBHOOK_URL = receiver.url
    try:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            sweep(now=timezone.now() + timedelta(hours=3))
    finally:
        receiver.server.shutdown()
    delivery.refresh_from_db()
    assert delivery.state == "done" and delivery.attempts == 1
    assert [r["headers"]["webhook-id"] for r in receiver.received] == ["nowhere"]


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError):
        services.webhook_enqueue(event="x", payload={}, idempotency_key="nope", subject=("x", 1))


def test_an_idempotency_key_that_cannot_be_a_webhook_id_is_a_programming_error(db):
    with pytest.raises(ValueError), transaction.atomic():
        services.webhook_enqueue(event="x", payload={}, idempotency_key="has.dot", subject=("x", 1))
