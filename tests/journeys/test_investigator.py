"""A legal request, from registration to a verified package: a senior moderator registers
it for a victim's case, the investigator it names freezes the case, exports it, downloads
the package and checks it offline with the verifier."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from tests.journeys.conftest import REPO
from tests.journeys.steps import Report, evidence_file, file_report, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.journey]

AUTHORITY = "Haidian Public Security Bureau"


def register_legal_request(page, product, reference: str, number: str) -> None:
    page.goto(f"{product.url}/staff/legal-requests/")
    page.get_by_label("Authority").fill(AUTHORITY)
    page.get_by_label("Their reference number").fill(number)
    page.get_by_label("Legal basis").fill("Criminal Procedure Law Art. 54: evidence collection")
    page.get_by_label("Requesting officer").fill("Officer Wang")
    page.get_by_label("Cases in scope").fill(reference)
    expires = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Access expires (UTC)").fill(expires)
    page.get_by_label("Investigator accounts").fill("investigator")
    page.get_by_role("button", name="Register").click()


def run_outside(work, *args: str) -> subprocess.CompletedProcess:
    """Python as an investigator's machine runs it: isolated mode, in a folder of its own,
    nothing of the repository on its path (the venv only supplies ``cryptography``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "DJANGO"))}
    return subprocess.run([sys.executable, "-I", *args], cwd=work, env=env, capture_output=True, text=True,
                          timeout=120)


def test_investigator_holds_exports_downloads_and_verifies(product, demo, new_context, visit, tmp_path):
    victim = new_context().new_page()
    filed = file_report(victim, product, Report(
        name="Wang Fang", email="wang.fang@example.com", url="https://video.example/v/investigator-journey",
        explanation="A video shows my face, my school and the bus I take every day."), evidence_file(tmp_path))

    senior = new_context().new_page()
    staff_login(senior, product, demo.staff["senior"])
    register_legal_request(senior, product, filed.reference, "HD-2026-JOURNEY")
    senior.locator("h1", has_text="HD-2026-JOURNEY").wait_for()
    visit.check(senior, "registered by a senior moderator")

    page = new_context().new_page()
    staff_login(page, product, demo.staff["investigator"])
    assert page.url.endswith("/staff/legal-requests/")  # an investigator's home
    nav = page.locator("header nav").inner_text()
    assert "Legal requests" in nav and "Queue" not in nav
    visit.check(page, "legal requests")
    refused = page.goto(f"{product.url}/staff/queue/")
    assert refused.status == 403
    assert page.locator("h1").inner_text() == "You may not open this page"
    assert "Legal requests" in page.locator("header nav").inner_text()  # still the staff layout
    visit.check(page, "queue refused")
    page.locator("#forbidden-home").click()
    page.wait_for_url("**/staff/legal-requests/")
    page.get_by_role("link", name="HD-2026-JOURNEY").click()
    page.locator("h1", has_text=f"{AUTHORITY} — HD-2026-JOURNEY").wait_for()
    assert filed.reference in page.locator("main ul").first.inner_text()

    page.get_by_label("Cases to hold").fill(filed.reference)
    page.get_by_label("Reason").fill("Preserve the evidence for the criminal investigation.")
    page.get_by_role("button", name="Freeze these cases").click()
    hold = page.locator("main table tbody tr", has_text=filed.reference)
    hold.wait_for()
    assert page.url.endswith("/staff/holds/")
    assert "Preserve the evidence for the criminal investigation." in hold.inner_text()
    visit.check(page, "hold placed")

    page.goto(f"{product.url}/staff/legal-requests/")
    page.get_by_role("link", name="HD-2026-JOURNEY").click()
    held = page.locator("#request-holds tbody tr").first.inner_text()
    assert filed.reference in held and "in force" in held
    page.get_by_role("button", name="Build a verifiable export package").click()
    page.wait_for_url("**/staff/exports/")
    # The real Celery worker builds the package; the page refreshes itself until it is done.
    download_link = page.get_by_role("link", name=".zip")
    download_link.wait_for(timeout=90_000)
    row = page.locator("main table tbody tr", has=download_link).inner_text()
    assert "HD-2026-JOURNEY" in row and "100 %" in row
    visit.check(page, "export ready")

    with page.expect_download() as waiting:
        download_link.click()
    package = tmp_path / waiting.value.suggested_filename
    waiting.value.save_as(package)
    assert package.suffix == ".zip" and package.stat().st_size > 0

    key = tmp_path / "verifier.key"
    key.write_text(demo.verifier_key + "\n", encoding="ascii")
    checked = subprocess.run([sys.executable, "-m", "audit.verify", str(package), "--public-key", str(key)],
                             cwd=REPO, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("intact:"), checked.stdout

    # The verifier the package carries, outside the product, with the platform's published key.
    work = tmp_path / "outside"
    work.mkdir()
    with zipfile.ZipFile(package) as archive:
        shipped = next(n for n in archive.namelist() if n.endswith("/data/verify_package.py"))
        (work / "verify_package.py").write_bytes(archive.read(shipped))
        archive.extractall(work / "unpacked")
    assert not (work / "audit").exists() and REPO not in work.parents
    shutil.copy(package, work / "package.zip")
    shutil.copy(key, work / "platform.key")
    probe = run_outside(work, "-c", "import audit")
    assert probe.returncode != 0, "the product must not be importable where the verifier runs"
    intact = run_outside(work, "verify_package.py", "package.zip", "--public-key", "platform.key")
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert intact.stdout.startswith("intact: "), intact.stdout

    bag = work / "unpacked" / shipped.split("/", 1)[0]
    assert run_outside(work, "verify_package.py", str(bag), "--public-key", "platform.key").returncode == 0
    record = next((bag / "data" / "cases").glob("*/record.json"))
    record.write_bytes(record.read_bytes().replace(b"}", b" }", 1))  # one file changed
    tampered = run_outside(work, "verify_package.py", str(bag), "--public-key", "platform.key")
    assert tampered.returncode == 1, tampered.stdout + tampered.stderr
    assert tampered.stderr.startswith("NOT INTACT") and "record.json" in tampered.stderr, tampered.stderr
