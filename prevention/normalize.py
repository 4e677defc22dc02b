"""Character tables that undo the obfuscations doxxers use to slip numbers past filters.

The detectors search the original text with character classes built from these tables
and normalise only the short candidate spans they find, so offsets never need mapping
back.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that render as nothing; inserted between digits to break naive matching.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"

# Every character that stands for a decimal digit in a post: ASCII, full-width, and the
# Chinese numerals (lower-case forms and the "capital" forms used on cheques), plus the
# spoken-style 幺 for one and the circle look-alikes for zero.
DIGIT_EQUIVALENTS: dict[str, str] = {
    **{chr(ord("0") + i): str(i) for i in range(10)},
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    "零": "0", "〇": "0", "○": "0",
    "一": "1", "壹": "1", "幺": "1",
    "二": "2", "贰": "2", "貳": "2",
    "三": "3", "叁": "3", "參": "3",
    "四": "4", "肆": "4",
    "五": "5", "伍": "5",
    "六": "6", "陆": "6", "陸": "6",
    "七": "7", "柒": "7",
    "八": "8", "捌": "8",
    "九": "9", "玖": "9",
}  # fmt: skip

# The check character of an ID number, in the forms it is typed in.
CHECK_X = "XxＸｘ×"

# What people put between digit groups: spaces of several widths, dashes, dots, slashes,
# brackets around area codes, underscores, and the zero-width characters.
DIGIT_SEPARATORS = (
    " \t\u00a0\u3000"
    "-\u2010\u2011\u2012\u2013\u2014\u2212\uff0d"
    ".\uff0e\u00b7\u30fb\u2022"
    "/\uff0f()\uff08\uff09_"
) + ZERO_WIDTH

_DIGIT_TABLE: dict[int, int | None] = {ord(k): ord(v) for k, v in DIGIT_EQUIVALENTS.items()}
_DIGIT_TABLE.update({ord(c): ord("X") for c in CHECK_X})
_DIGIT_TABLE.update({ord(c): None for c in DIGIT_SEPARATORS})

# A regex substitution is several times faster than str.translate with a mapping for
# non-ASCII text, and these run on every address and name found.
_ZERO_WIDTH_RUN = re.compile("[" + ZERO_WIDTH + "]+")
_WHITESPACE_RUN = re.compile(r"\s+")


def char_class(chars: str) -> str:
    """A regex character class matching exactly ``chars``."""
    return "[" + "".join(re.escape(c) for c in dict.fromkeys(chars)) + "]"


def to_digits(raw: str) -> str:
    """ASCII digits (and a trailing ``X``) of a digit run, separators dropped.

    Characters that are neither digits nor separators are kept as they are, so the
    caller's validation rejects them instead of this function hiding them.
    """
    return raw.translate(_DIGIT_TABLE)


def strip_zero_width(raw: str) -> str:
    return _ZERO_WIDTH_RUN.sub("", raw)


_SPACE_OR_ZERO_WIDTH = re.compile(r"[\s" + ZERO_WIDTH + "]")


def fold_text(raw: str) -> str:
    """Canonical form of free text (addresses, names) for comparison and fingerprints.

    Full-width forms become ASCII (NFKC), zero-width characters go, runs of whitespace
    become one space, and Latin letters are case-folded so "Baker Street" and
    "BAKER STREET" fingerprint alike.
    """
    text = unicodedata.normalize("NFKC", raw)
    if _SPACE_OR_ZERO_WIDTH.search(text) is not None:
        text = _WHITESPACE_RUN.sub(" ", strip_zero_width(text)).strip()
    return text.casefold()
