#!/usr/bin/env python3
"""The README's first command, end to end: ``make run`` from this checkout, on SQLite.

Starts ``make run`` on a free port with a scratch data directory, in its own process
group; waits for the public form and /healthz; files one complaint through the HTML form
as a browser would (CSRF cookie and token, the form's own field names) and reads the
receipt; checks that what ``make run`` printed lets a person in: the staff accounts and
the command printing their second-factor code (used here to sign in), the API tokens
(one is used), and tracking links to the port actually served. Stops the group by its id.
Exits non-zero on any failure, with the tail of the output. Standard library only.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = float(os.environ.get("SMOKE_START_TIMEOUT", "600"))  # a first run installs the venv


class SmokeFailure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Form:
    def __init__(self, action: str, enctype: str) -> None:
        self.action = action
        self.enctype = enctype or "application/x-www-form-urlencoded"
        self.fields: dict[str, list[str]] = {}  # name -> input types seen
        self.hidden: dict[str, str] = {}


class FormParser(HTMLParser):
    """The <form method=post> elements of a page with their fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._current = Form(a.get("action", ""), a.get("enctype", ""))
            self.forms.append(self._current)
        elif self._current is not None and tag in {"input", "textarea", "select", "button"} and a.get("name"):
            kind = a.get("type", tag).lower()
            self._current.fields.setdefault(a["name"], []).append(kind)
            if kind == "hidden":
                self._current.hidden[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def find_form(html: str, names: set[str], path: str) -> Form:
    """The page's POST form that has every field in ``names``."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if names <= set(form.fields):
            return form
    seen = [sorted(f.fields) for f in parser.forms]
    raise SmokeFailure(f"no form at {path} has the fields {sorted(names)}; its forms have {seen}")


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = bytearray()
    for name, value in fields:
        body += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n".encode()
        body += value.encode() + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return bytes(body), f"multipart/form-data; boundary={boundary}"


class Browser:
    """Cookies kept between requests, redirects followed, answers read as text."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.cookies if c.name == name), "")

    def request(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
                ) -> tuple[int, str, str]:
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=data, headers={"Referer": url, **(headers or {})})
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status, answer.geturl(), answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, url, exc.read().decode("utf-8", "replace")

    def submit(self, path: str, values: dict[str, list[str] | str]) -> tuple[int, str, str]:
        """GET the form at ``path``, check every value names one of its fields, POST it."""
        status, url, html = self.request(path)
        if status != 200:
            raise SmokeFailure(f"GET {path}: {status}")
        form = find_form(html, set(values), path)
        token = form.hidden.get("csrfmiddlewaretoken", "")
        if not token or not self.cookie("csrftoken"):
            raise SmokeFailure(f"the form at {path} carries no CSRF token or cookie")
        pairs = [(k, v) for k, v in form.hidden.items() if k not in values]
        for name, value in values.items():
            pairs.extend((name, v) for v in ([value] if isinstance(value, str) else value))
        target = urllib.parse.urljoin(url, form.action or url)
        if form.enctype == "multipart/form-data":
            body, content_type = multipart(pairs)
        else:
            body, content_type = urllib.parse.urlencode(pairs).encode(), "application/x-www-form-urlencoded"
        return self.request(target, body, {"Content-Type": content_type})


def wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    pending = ["/healthz", "/report/"]
    while pending:
        if process.poll() is not None:
            raise SmokeFailure(f"make run exited with {process.returncode} before serving")
        if time.monotonic() > deadline:
            raise SmokeFailure(f"{pending} did not answer within {START_TIMEOUT:.0f} s")
        try:
            with urllib.request.urlopen(base + pending[0], timeout=5) as answer:
                if answer.status == 200:
                    pending.pop(0)
                    continue
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)


def check_printed(output: str, port: int) -> dict[str, str]:
    """What ``make run`` printed: accounts, the code command, tokens, links to this port."""
    found: dict[str, str] = {}
    for username in ("moderator", "senior", "investigator", "admin"):
        match = re.search(rf"^\s+{username}\s+\S+\s+password (\S+)", output, re.M)
        if not match:
            raise SmokeFailure(f"no password printed for the demo account {username!r}")
        found[f"password:{username}"] = match.group(1)
    command = re.search(r"(\S*python\S*) manage\.py demo_totp USERNAME", output)
    if not command:
        raise SmokeFailure("the command printing a second-factor code (manage.py demo_totp) is not printed")
    found["python"] = command.group(1)
    for account in ("demo-flagger", "demo-platform"):
        match = re.search(rf"API token {account}: ([0-9a-f]{{40}})", output)
        if not match:
            raise SmokeFailure(f"no API token printed for {account}")
        found[f"token:{account}"] = match.group(1)
    links = re.findall(r"https?://[^\s/]+/track/[A-Za-z0-9_-]{20,}/", output)
    if len(links) < 3:
        raise SmokeFailure(f"expected the demo tracking links, found {links}")
    served = f"http://127.0.0.1:{port}/"
    wrong = [link for link in links if not link.startswith(served)]
    if wrong:
        raise SmokeFailure(f"tracking links do not point at the served address {served}: {wrong}")
    found["tracking"] = links[0]
    other_ports = sorted(set(re.findall(r"http://127\.0\.0\.1:(\d+)", output)) - {str(port)})
    if other_ports:
        raise SmokeFailure(f"printed addresses name port(s) {other_ports}, but the server runs on {port}")
    return found


def file_complaint(base: str) -> None:
    browser = Browser(base)
    status, url, html = browser.submit("/report/", {
        "relationship": "self",
        "complainant_name": "Smoke Test",
        "complainant_email": "smoke@example.com",
        "item_url_0": "https://forum.example/t/smoke-1",
        "item_note_0": "my phone number",
        "disclosed_info": ["phone"],
        "harms": ["contact_by_strangers"],
        "explanation": "My phone number was posted without my consent by someone I argued with.",
        "good_faith_declaration": "on",
    })
    if status != 200 or not url.rstrip("/").endswith("/report/receipt"):
        raise SmokeFailure(f"the form did not lead to the receipt: {status} at {url}\n{html[-2000:]}")
    reference = re.search(r"TD-\d{4}-\d{6}", html)
    if not reference:
        raise SmokeFailure("the receipt shows no reference")
    link = re.search(rf"{re.escape(base)}/track/[A-Za-z0-9_-]+/", html)
    if not link:
        raise SmokeFailure(f"the receipt shows no tracking link on the served address {base}")
    status, _url, page = browser.request(link.group(0))
    if status != 200 or reference.group(0) not in page:
        raise SmokeFailure(f"the receipt's tracking link does not open the complaint ({status})")
    print(f"smoke: filed {reference.group(0)} through the form; its tracking link opens it")


def sign_in(base: str, printed: dict[str, str], env: dict[str, str]) -> None:
    """Sign in as the demo moderator with the printed password and the printed code command."""
    browser = Browser(base)
    status, url, html = browser.submit("/staff/login/", {
        "username": "moderator", "password": printed["password:moderator"]})
    if status != 200 or "/staff/login/verify" not in url:
        raise SmokeFailure(f"the password step did not lead to the code step: {status} at {url}")
    command = [printed["python"], "manage.py", "demo_totp", "moderator"]
    code = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if code.returncode != 0 or not re.fullmatch(r"\d{6}", code.stdout.strip()):
        raise SmokeFailure(f"{shlex.join(command)} printed {code.stdout!r} {code.stderr[-500:]!r}")
    status, url, html = browser.submit(url, {"code": code.stdout.strip()})
    if status != 200 or "/staff/login" in url:
        raise SmokeFailure(f"the second-factor code was refused: {status} at {url}")
    print(f"smoke: signed in as moderator with the printed password and `{shlex.join(command)}`")


def use_token(base: str, printed: dict[str, str]) -> None:
    browser = Browser(base)
    status, _url, body = browser.request(
        "/api/v1/screen/",
        json.dumps({"text": "call 13912345678", "context": "post"}).encode(),
        {"Authorization": f"Token {printed['token:demo-platform']}", "Content-Type": "application/json"},
    )
    if status != 200 or "phone" not in body:
        raise SmokeFailure(f"the printed platform token could not screen a post: {status} {body[:500]}")
    print("smoke: the printed demo-platform token screens a post through the API")


def stop(process: subprocess.Popen) -> None:
    """End the whole process group of ``make run`` (make, web, worker, scheduler) by its id."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def main() -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL", "HOST", "TAKEDOWN_ENV"}}
    with tempfile.TemporaryDirectory(prefix="make-run-smoke-") as scratch:
        env.update({"PORT": str(port), "TAKEDOWN_VAR_DIR": scratch})
        log = Path(scratch) / "make-run.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        try:
            wait_until_up(base, process, log)
            print(f"smoke: make run serves {base}/report/ and /healthz")
            printed = check_printed(log.read_text(errors="replace"), port)
            file_complaint(base)
            sign_in(base, printed, env)
            use_token(base, printed)
        except (SmokeFailure, OSError, subprocess.SubprocessError) as exc:
            print(f"smoke: FAILED: {exc}", file=sys.stderr)
            stop(process)
            tail = log.read_text(errors="replace").splitlines()[-80:]
            print("---- make run output (last lines) ----", *tail, sep="\n", file=sys.stderr)
            return 1
        stop(process)
        if process.returncode not in (0, 2, -signal.SIGINT):
            print(f"smoke: make run ended with {process.returncode} when stopped", file=sys.stderr)
    print("smoke: make run OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
