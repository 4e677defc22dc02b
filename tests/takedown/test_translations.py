"""Every string the product marks for translation has a Simplified Chinese entry.

A person who reads Chinese must never meet an English label on a form, a page or an
e-mail. This scans the sources for marked strings (``_("...")``, ``gettext*``,
``{% trans "..." %}``) and looks each one up in the project's and the apps' zh_Hans
catalogues, so a new string without a translation fails here rather than in front of
someone who cannot read it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = (
    "takedown", "audit", "deadlines", "complaints", "moderation", "hostplatform", "prevention", "preservation",
    "reports",
)
MARKERS = {"_", "gettext", "gettext_lazy", "gettext_noop"}
TRANS_TAG = re.compile(r"{%\s*trans\s+(?:\"([^\"]*)\"|'([^']*)')")


def _catalogue() -> dict[str, str]:
    entries: dict[str, str] = {}
    for path in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        if ".venv" in path.parts:
            continue
        entries.update({e.msgid: e.msgstr for e in polib.pofile(str(path))})
    return entries


def _python_marked(source: str):
    """Literal arguments of the translation functions (implicit concatenation joined)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS:
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                yield node.args[0].value


def _marked_strings():
    for directory in SOURCE_DIRS:
        for path in (ROOT / directory).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for text in _python_marked(path.read_text(encoding="utf-8")):
                yield path.relative_to(ROOT), text
    for path in (ROOT / "templates").rglob("*"):
        if path.is_file():
            for match in TRANS_TAG.finditer(path.read_text(encoding="utf-8")):
                yield path.relative_to(ROOT), match.group(1) if match.group(1) is not None else match.group(2)


def test_every_marked_string_has_a_chinese_translation():
    catalogue = _catalogue()
    missing = sorted({f"{where}: {text!r}" for where, text in _marked_strings() if not catalogue.get(text)})
    assert not missing, "no zh_Hans translation for:\n" + "\n".join(missing)


def test_the_scan_finds_strings_at_all():
    found = list(_marked_strings())
    assert len(found) > 300
    assert any(text == "Home address" for _where, text in found)
