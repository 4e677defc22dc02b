"""The partner flow through a client generated from the served OpenAPI document by
openapi-python-client (a generator independent of the product), against a live server:
batch filing, tracking, screening, signals, and a measure that reaches the platform's
webhook receiver, signed, is parsed with the generated webhook model and is confirmed
through the report endpoint; the tracking page then shows the item done.

Nothing generated is kept: the client is written to the test's temporary folder.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from rest_framework.authtoken.models import Token
from standardwebhooks import Webhook

from moderation.models import ItemAction
from takedown import roles
from tests.factories import make_user

PACKAGE = "takedown_partner_client"


def generate_client(base_url: str, folder: Path):
    with urllib.request.urlopen(f"{base_url}/api/schema/?format=json", timeout=30) as response:
        document = json.loads(response.read())
    schema = folder / "openapi.json"
    schema.write_text(json.dumps(document))
    generator = shutil.which("openapi-python-client") or str(Path(sys.executable).with_name("openapi-python-client"))
    done = subprocess.run([generator, "generate", "--path", str(schema), "--meta", "none",
                           "--output-path", str(folder / PACKAGE)], capture_output=True, text=True, timeout=300)
    assert (folder / PACKAGE / "client.py").exists(), done.stdout + done.stderr
    sys.path.insert(0, str(folder))
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    return importlib.import_module(PACKAGE)


class Receiver(BaseHTTPRequestHandler):
    """The partner's webhook endpoint: verifies each delivery as a platform would."""

    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        headers = {k.lower(): v for k, v in self.headers.items()}
        verified = Webhook(django_settings.WEBHOOK_SECRETS[0]).verify(body, headers)
        Receiver.received.append(verified)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.HOST_PLATFORM_WEBHOOK_URL = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    yield Receiver.received
    server.shutdown()


def tokens() -> dict[str, str]:
    users = {"flagger": roles.TRUSTED_FLAGGER, "platform": roles.PLATFORM, "senior": roles.SENIOR_MODERATOR}
    return {name: Token.objects.create(user=make_user(f"partner-{name}", role)).key for name, role in users.items()}


@pytest.mark.django_db(transaction=True)
def test_the_partner_flow_through_a_generated_client(live_server, tmp_path, receiver, settings,
                                                     default_screening_rules):
    settings.PUBLIC_BASE_URL = live_server.url
    api = generate_client(live_server.url, tmp_path)
    from takedown_partner_client import models
    from takedown_partner_client.api.v1 import (
        v1_cases_claim_create,
        v1_cases_decisions_create,
        v1_complaints_batch_create,
        v1_platforms_actions_create,
        v1_screen_create,
        v1_signals_create,
        v1_track_retrieve,
    )

    keys = tokens()
    as_ = {name: api.AuthenticatedClient(base_url=live_server.url, token=key, prefix="Token")
           for name, key in keys.items()}

    notice = models.BatchComplaintInRequest(
        client_key="partner-0001",
        complainant=models.ComplainantInRequest(name="Chen Jing", email="chen@example.com"),
        items=[models.ItemInRequest(url="https://social.example/p/77")],
        disclosed_info=[models.DisclosedInfoEnum.HOME_ADDRESS],
        explanation="My home address was posted without consent.",
        evidence_excerpt="Lives at 12 Example Road",
        good_faith_declaration=True,
    )
    filed = v1_complaints_batch_create.sync_detailed(
        client=as_["flagger"], body=models.BatchDocumentedInRequest(complaints=[notice]))
    assert filed.status_code == 201, filed.content
    result = filed.parsed.results[0]
    assert result.created and result.status == "received" and result.priority in {"P0", "P1", "P2"}
    again = v1_complaints_batch_create.sync_detailed(
        client=as_["flagger"], body=models.BatchDocumentedInRequest(complaints=[notice]))
    assert again.status_code == 200 and again.parsed.results[0].reference == result.reference
    token = result.tracking_url.rstrip("/").rsplit("/", 1)[-1]

    tracked = v1_track_retrieve.sync_detailed(token, client=as_["flagger"])
    assert tracked.status_code == 200 and json.loads(tracked.content)["reference"] == result.reference

    screened = v1_screen_create.sync_detailed(client=as_["platform"], body=models.ScreenInputRequest(
        text="Her phone is 13812345678, go visit her.", context=models.ContextEnum.POST))
    assert screened.status_code == 200, screened.content
    assert screened.parsed.verdict != "allow" and screened.parsed.findings
    sent = v1_signals_create.sync_detailed(client=as_["platform"], body=models.SignalsInputRequest(
        signals=[models.SignalInputRequest(type_=models.TypeEnum.SHARE, target="topic:leak")] * 3))
    assert sent.status_code == 202 and sent.parsed.accepted == 3

    assert v1_cases_claim_create.sync_detailed(result.reference, client=as_["senior"]).status_code == 200
    decided = v1_cases_decisions_create.sync_detailed(result.reference, client=as_["senior"], body=models.DecisionInRequest(
        measure=models.MeasureEnum.REMOVE, facts="The post publishes a private person's home address.",
        legal_ground="PIPL Art. 10", explanation="Publishing a home address without consent is unlawful.",
        territorial_scope=["DE"]))
    assert decided.status_code == 201, decided.content

    applied = [models.MeasureApplyWebhook.from_dict(body) for body in receiver if body["type"] == "measure.apply"]
    assert len(applied) == 1
    measure = applied[0].data
    assert measure.case == result.reference and measure.item.url == "https://social.example/p/77"
    assert measure.report_url == f"{live_server.url}/api/v1/platforms/host/actions/{measure.action_id}"

    confirmed = v1_platforms_actions_create.sync_detailed("host", measure.action_id, client=as_["platform"],
                                                          body=models.ItemActionReportInRequest(
                                                              outcome=models.ItemActionReportInOutcomeEnum.DONE))
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.parsed.state == models.ItemActionOutStateEnum.DONE and confirmed.parsed.reported_at
    assert ItemAction.objects.get(pk=measure.action_id).reported_at is not None
    outcome = json.loads(v1_track_retrieve.sync_detailed(token, client=as_["flagger"]).content)["sections"]["outcome"]
    assert [a["state"] for a in outcome["decisions"][-1]["item_actions"]] == ["done"]
