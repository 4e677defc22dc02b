"""Browser fixtures: Playwright driving Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os

import pytest

from tests.browser import launched_chromium

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
# the test itself (reading what the page stored) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="package")
def browser():
    yield from launched_chromium()


@pytest.fixture
def phone_page(browser):
    """A page the size of a phone screen, as most victims will use."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
