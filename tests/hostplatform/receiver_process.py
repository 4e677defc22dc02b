"""A host platform's webhook receiver, run as its own process by the production-profile test.

It verifies every request with the stock `standardwebhooks` library against each secret in
RECEIVER_SECRETS (comma-separated), appends what it got to RECEIVER_LOG (one JSON line per
request) and answers 200 with a small JSON body when a signature matched, 401 otherwise.
It binds 127.0.0.1 on a free port and writes the port to RECEIVER_PORT_FILE.
"""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

HOOKS = [Webhook(secret) for secret in os.environ["RECEIVER_SECRETS"].split(",")]
LOG = Path(os.environ["RECEIVER_LOG"])
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        headers = {k.lower(): v for k, v in self.headers.items()}
        verified = []
        for hook in HOOKS:
            try:
                hook.verify(body, headers)
                verified.append(True)
            except WebhookVerificationError:
                verified.append(False)
        record = {"path": self.path, "headers": headers, "body": json.loads(body or b"null"), "verified": verified}
        with LOCK, LOG.open("a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")
        ok = any(verified)
        answer = json.dumps({"received": headers.get("webhook-id"), "by": "stand-in platform"} if ok
                            else {"error": "bad signature"}).encode()
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Path(os.environ["RECEIVER_PORT_FILE"]).write_text(str(server.server_address[1]))
    server.serve_forever()
