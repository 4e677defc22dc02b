"""Steps several journeys share: a victim's report through the form, a staff login."""

from __future__ import annotations

import hashlib
import hmac
import struct
import time
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import make_png


def hotp(key: bytes, counter: int, digits: int = 6) -> str:
    """HOTP (RFC 4226 section 5.3): HMAC-SHA-1 of the counter, dynamically truncated."""
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10 ** digits:0{digits}d}"


def totp(hex_key: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """TOTP (RFC 6238 section 4): HOTP of the number of ``step``-second periods since 1970."""
    moment = time.time() if at is None else at
    return hotp(bytes.fromhex(hex_key), int(moment // step), digits)


@dataclass
class Report:
    name: str
    email: str
    url: str
    explanation: str
    harms: tuple[str, ...] = ()
    disclosed: tuple[str, ...] = ("home_address",)


def fill_report(page, report: Report, evidence: Path) -> None:
    """Fill the report form the way a person does: by what the fields are called on screen."""
    page.locator("#id_complainant_name").fill(report.name)
    page.locator("#id_complainant_email").fill(report.email)
    page.locator("#id_item_url_0").fill(report.url)
    for kind in report.disclosed:
        page.locator(f"input[name=disclosed_info][value={kind}]").check()
    for harm in report.harms:
        page.locator(f"input[name=harms][value={harm}]").check()
    page.locator("#id_explanation").fill(report.explanation)
    page.locator("#id_evidence").set_input_files(str(evidence))
    page.locator("#id_good_faith_declaration").check()


def evidence_file(folder: Path, name: str = "screenshot.png") -> Path:
    path = folder / name
    path.write_bytes(make_png(120, 80))
    return path


# The server accepts each code once (RFC 6238 section 5.2): a second login of the same
# account waits for the next 30-second step rather than offer a spent code.
_last_step: dict[str, int] = {}


def fresh_code(account, step: int = 30) -> str:
    now = time.time()
    if int(now // step) <= _last_step.get(account.username, -1):
        time.sleep(step - now % step + 0.2)
        now = time.time()
    _last_step[account.username] = int(now // step)
    return totp(account.totp_hex, at=now, step=step)


def staff_login(page, product, account, *, start: str = "/staff/") -> None:
    """Password, then the second factor computed from the account's printed TOTP key."""
    page.goto(f"{product.url}{start}")
    page.locator("#id_username").fill(account.username)
    page.locator("#id_password").fill(account.password)
    page.locator("button[type=submit].primary").click()
    page.locator("#id_code").wait_for()
    page.locator("#id_code").fill(fresh_code(account))
    page.locator("button[type=submit].primary").click()
    page.wait_for_url(lambda url: "/login" not in url)


@dataclass
class Filed:
    reference: str
    tracking_url: str


def file_report(page, product, report: Report, evidence: Path, *, send: str = "Send report") -> Filed:
    """A victim's whole report through /report/, ending on the receipt."""
    page.goto(f"{product.url}/report/")
    fill_report(page, report, evidence)
    page.get_by_role("button", name=send).click()
    page.locator(".reference").wait_for()
    return Filed(page.locator(".reference").inner_text().strip(),
                 page.locator("#tracking-link").inner_text().strip())


def decide(page, *, measure: str, facts: str, legal_ground: str, explanation: str) -> None:
    """The statement of reasons on the case page, then the decision button."""
    page.locator("#id_measure").select_option(measure)
    page.locator("#id_facts").fill(facts)
    page.locator("#id_legal_ground").fill(legal_ground)
    page.locator("#id_explanation").fill(explanation)
    page.locator("#decide-button").click()
