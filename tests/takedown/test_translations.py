"""Every string the product marks for translation has a Simplified Chinese entry.

A person who reads Chinese must never meet an English label on a form, a page or an
e-mail. This scans the sources for marked strings (``_("...")``, ``gettext*``,
``{% trans "..." %}``) and looks each one up in the project's and the apps' zh_Hans
catalogues, so a new string without a translation fails here rather than in front of
someone who cannot read it.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("takedown", "complaints", "deadlines", "moderation", "hostplatform", "audit", "prevention", "reports")
MARKED = re.compile(
    r"\b(?:_|gettext|gettext_lazy|gettext_noop)\(\s*(?:\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)')\s*\)"
)
TRANS_TAG = re.compile(r"{%\s*trans\s+(?:\"([^\"]*)\"|'([^']*)')")


def _catalogue() -> dict[str, str]:
    entries: dict[str, str] = {}
    for path in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        if ".venv" in path.parts:
            continue
        entries.update({e.msgid: e.msgstr for e in polib.pofile(str(path))})
    return entries


def _unescape(text: str) -> str:
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1").decode("utf-8") if "\\" in text else text


def _marked_strings():
    for directory in SOURCE_DIRS:
        for path in (ROOT / directory).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for match in MARKED.finditer(path.read_text(encoding="utf-8")):
                yield path.relative_to(ROOT), _unescape(match.group(1) if match.group(1) is not None else match.group(2))
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
