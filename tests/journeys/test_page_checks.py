"""The page checks of the journeys can fail: axe finds a serious fault with JavaScript on
and off, and a screenshot is written for each step."""

from __future__ import annotations

import pytest

from tests.journeys import axe

pytestmark = [pytest.mark.browser, pytest.mark.journey]

FAULTY = """<!DOCTYPE html><html lang="en"><head><title>Faulty</title></head>
<body><main><h1>Faulty</h1><form><input type="text" name="who"></form>
<p style="color:#bbb;background:#fff">hard to read</p></main></body></html>"""


@pytest.mark.parametrize("scripts", [True, False])
def test_a_serious_violation_fails_the_step_and_is_listed(product, new_context, visit, scripts):
    page = new_context(java_script_enabled=scripts).new_page()
    page.route(f"{product.url}/faulty-page", lambda route: route.fulfill(
        status=200, body=FAULTY, content_type="text/html; charset=utf-8"))
    page.goto(f"{product.url}/faulty-page")
    with pytest.raises(AssertionError) as failure:
        visit.check(page, "faulty page")
    listed = str(failure.value)
    assert "color-contrast (serious)" in listed
    assert "label (critical)" in listed
    assert (axe.artifacts_dir() / visit.journey / "01-faulty-page.png").stat().st_size > 0
