"""One way to start Debian's Chromium under Playwright, for the packages that drive a browser.

Playwright's sync API keeps an event loop running in the test thread for as long as it is
open. The browser is therefore scoped to the package that uses it (``tests/e2e``,
``tests/journeys``): when the package's last test ends the loop ends with it, and the tests
that follow (Schemathesis, Celery publishing, generated clients) meet a thread without a
running loop, as they would in production.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def launched_chromium() -> Iterator:
    """Yield a launched Chromium (never a browser Playwright downloads); skip when absent."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM} (CI installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
