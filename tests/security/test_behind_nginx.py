"""The shipped proxy configuration, run: deploy/nginx.conf in front of a real gunicorn set
as the compose file sets it (TRUSTED_PROXY_COUNT=1).

Only what a deployment changes is changed: the upstream's address (``web:8000`` is a
compose host name), the listening ports, and a throwaway self-signed certificate.
Needs Debian's nginx (skipped without it; CI installs it). Loopback only.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import socket
import ssl
import time
from pathlib import Path

import pytest

from tests.security import rawhttp
from tests.security.processes import (
    app_env,
    complaint_body,
    free_port,
    gunicorn_cmd,
    migrated_sqlite,
    running,
    wait_http,
)

pytestmark = pytest.mark.fault
ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def self_signed(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    (folder / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def site_config(folder: Path, upstream: int, http_port: int, https_port: int) -> str:
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    for shipped, here in (
        ("server web:8000;", f"server 127.0.0.1:{upstream};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("/etc/nginx/tls/", f"{folder}/"),
    ):
        assert shipped in site, f"deploy/nginx.conf no longer has {shipped!r}"
        site = site.replace(shipped, here)
    (folder / "site.conf").write_text(site)
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    return "\n".join([
        "daemon off;", "worker_processes 1;", f"pid {folder}/nginx.pid;", f"error_log {folder}/error.log;",
        *(["user root;"] if os.geteuid() == 0 else []),
        "events { worker_connections 64; }",
        "http {", f"access_log {folder}/access.log;",
        *(f"{name}_temp_path {path};" if name != "body" else f"client_body_temp_path {path};"
          for name, path in temp.items()),
        f"include {folder}/site.conf;", "}",
    ])


def tls_send(port: int, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> rawhttp.Answer:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    with socket.create_connection(("127.0.0.1", port), timeout=30) as plain:
        with context.wrap_socket(plain, server_hostname="127.0.0.1") as sock:
            sock.sendall(raw)
            return rawhttp._read_answer(sock)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if NGINX is None:
        pytest.skip("needs nginx (Debian's nginx-light)")
    var = tmp_path_factory.mktemp("behind-nginx")
    database = migrated_sqlite(var, tmp_path_factory.getbasetemp() / "sqlite-template")
    env = app_env(var, DATABASE_URL=database, REDIS_URL=None, RATE_LIMITS_ENABLED="true",
                  RATE_LIMIT_PUBLIC_INTAKE="3/600", TRUSTED_PROXY_COUNT="1")
    upstream, http_port, https_port = free_port(), free_port(), free_port()
    proxy_dir = var / "nginx"
    proxy_dir.mkdir()
    self_signed(proxy_dir)
    (proxy_dir / "nginx.conf").write_text(site_config(proxy_dir, upstream, http_port, https_port))
    with running(gunicorn_cmd(upstream, workers=1, threads=2), env, var / "gunicorn.log"):
        wait_http(f"http://127.0.0.1:{upstream}/healthz")
        with running([NGINX, "-c", str(proxy_dir / "nginx.conf"), "-p", str(proxy_dir)], env, var / "nginx.log"):
            deadline = time.monotonic() + 20
            while True:
                try:
                    if tls_send(https_port, "GET", "/healthz", {}).status == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, (proxy_dir / "error.log").read_text(errors="replace")
                time.sleep(0.2)
            yield {"https": https_port, "http": http_port}


def test_plain_http_is_sent_to_https(stack):
    answer = rawhttp.send(stack["http"], "GET", "/report/", {})
    assert answer.status == 301 and answer.headers["location"] == "https://127.0.0.1/report/"


def test_a_chunked_notice_arrives_whole_through_the_proxy(stack):
    body = json.dumps(complaint_body(1)).encode()
    answer = tls_send(stack["https"], "POST", "/api/v1/complaints/",
                      {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}, rawhttp.chunked(body, 64))
    assert answer.status == 201, answer.body
    assert answer.json()["missing"] == []


def test_a_forged_forwarded_for_gives_no_fresh_budget_through_the_proxy(stack):
    # Every request here comes from 127.0.0.1, whatever it claims to be: three notices in
    # the window (one may be spent above), then 429.
    statuses = []
    for n in range(4):
        body = json.dumps(complaint_body(10 + n)).encode()
        statuses.append(tls_send(stack["https"], "POST", "/api/v1/complaints/", {
            "Content-Type": "application/json", "Content-Length": str(len(body)),
            "X-Forwarded-For": f"198.51.100.{n}",
        }, body).status)
    assert statuses.count(201) <= 3 and statuses[-1] == 429
    assert set(statuses) <= {201, 429}
