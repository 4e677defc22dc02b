"""axe-core in the journeys' pages, and the screenshots kept of them.

axe-core is pinned in ``tests/journeys/axe/package.json`` (with its lock file) and
installed with ``npm ci`` into that folder, by CI's script or, when missing, once by the
first journey. Every page a journey visits is photographed (full page, named by journey and
step) into ``$TAKEDOWN_ARTIFACTS_DIR`` or ``var/journey-screenshots/``, then checked by
``axe.run``: a violation of impact serious or critical fails the journey, listing each one.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "axe"
SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
REPO = HERE.parents[2]
BLOCKING = {"serious", "critical"}


def script_path() -> Path:
    """The pinned axe-core, installed with ``npm ci`` on first use if it is missing."""
    if not SCRIPT.exists():
        npm = shutil.which("npm")
        if npm is None:
            message = "axe-core is not installed and npm is missing (npm ci --prefix tests/journeys/axe)"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(HERE)],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not SCRIPT.exists():
            pytest.fail(f"npm ci for axe-core failed:\n{done.stdout}\n{done.stderr}")
    return SCRIPT


def artifacts_dir() -> Path:
    configured = os.environ.get("TAKEDOWN_ARTIFACTS_DIR")
    base = Path(configured) if configured else REPO / "var"
    return base / "journey-screenshots"


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


RUN = """async () => {
  const result = await window.axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.map(String), failureSummary: n.failureSummary || ""}))}));
}"""


@dataclass
class PageChecker:
    journey: str
    script: Path
    steps: int = 0

    def check(self, page, step: str) -> Path:
        """Photograph the page, then fail on serious or critical axe violations."""
        shot = self.photograph(page, step)
        violations = self.violations(page)
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        assert not blocking, f"axe on {self.journey} / {step} ({page.url}):\n{describe(blocking)}"
        return shot

    def photograph(self, page, step: str) -> Path:
        """Only the full-page screenshot, for a page the product does not write itself."""
        self.steps += 1
        folder = artifacts_dir() / self.journey
        if self.steps == 1 and folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{self.steps:02d}-{re.sub(r'[^a-z0-9]+', '-', step.lower()).strip('-')}.png"
        shot = folder / name
        page.screenshot(path=str(shot), full_page=True)
        return shot

    def violations(self, page) -> list[dict]:
        if getattr(page.context, "scripts_run", True):
            # The product's Content-Security-Policy refuses inline scripts; a script
            # element Playwright adds is one, so axe's source is evaluated instead when the
            # tag was refused (DevTools evaluation is not bound by the page's policy).
            with contextlib.suppress(Exception):
                page.add_script_tag(path=str(self.script))
            if not page.evaluate("() => typeof window.axe === 'object'"):
                page.evaluate(self.script.read_text() + "\n;window.axe = axe; 0")
            return page.evaluate(RUN)
        return self.violations_of_copy(page)

    def violations_of_copy(self, page) -> list[dict]:
        """A page shown without JavaScript: axe runs on a copy of its document (scripts
        left out, styles fetched from the product) in a page where scripts may run."""
        html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.S | re.I)
        viewport = page.viewport_size or {"width": 1280, "height": 900}
        context = page.context.browser.new_context(viewport=viewport, bypass_csp=True)
        try:
            copy = context.new_page()
            copy.route(page.url, lambda route: route.fulfill(status=200, body=html,
                                                              content_type="text/html; charset=utf-8"))
            copy.goto(page.url)
            copy.add_script_tag(path=str(self.script))
            return copy.evaluate(RUN)
        finally:
            context.close()
