"""Character tables and folding that undo the obfuscations doxxers use to slip personal
information past filters.

``fold`` gives a view of a post with look-alike characters replaced one for one, so an
offset into the fold is an offset into the original; the detectors search the fold with
character classes built from these tables (digits in every form, what people put between
digits) and normalise only the short candidate spans they find.
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
# brackets around area codes, underscores, tildes, line breaks, and the zero-width
# characters.
DIGIT_SEPARATORS = (
    " \t\n\r\u00a0\u3000"
    "-\u2010\u2011\u2012\u2013\u2014\u2212\uff0d"
    ".\uff0e\u00b7\u30fb\u2022\u2027"
    "/\uff0f()\uff08\uff09_~\u203b"
) + ZERO_WIDTH

# Emoji and pictographic symbols slipped between digits ("138🔥1234✨5678"), as regex
# ranges: arrows, technical symbols, box drawing and shapes, miscellaneous symbols and
# dingbats (without the dingbat circled digits, which fold to digits), the emoji
# planes, variation selectors, the keycap mark and skin-tone modifiers.
SYMBOL_RANGES = (
    "\u2190-\u21ff\u2300-\u23ff\u2500-\u2775\u2794-\u27bf\u2b00-\u2bff"
    "\U0001f000-\U0001faff\ufe0e\ufe0f\u20e3\u2600-\u26ff"
)

# Letters typed for digits: O and o for 0, l, I and | for 1. Only taken as digits where
# the number scanner sees them touching digits (see detectors).
DIGIT_LOOKALIKES = {"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"}

_DIGIT_TABLE: dict[int, int | None] = {ord(k): ord(v) for k, v in DIGIT_EQUIVALENTS.items()}
_DIGIT_TABLE.update({ord(k): ord(v) for k, v in DIGIT_LOOKALIKES.items()})
_DIGIT_TABLE.update({ord(c): ord("X") for c in CHECK_X})
_DIGIT_TABLE.update({ord(c): None for c in DIGIT_SEPARATORS})
_SYMBOLS = re.compile("[" + SYMBOL_RANGES + "]+")

# A regex substitution is several times faster than str.translate with a mapping for
# non-ASCII text, and these run on every address and name found.
_ZERO_WIDTH_RUN = re.compile("[" + ZERO_WIDTH + "]+")
_WHITESPACE_RUN = re.compile(r"\s+")


def char_class(chars: str) -> str:
    """A regex character class matching exactly ``chars``."""
    return "[" + "".join(re.escape(c) for c in dict.fromkeys(chars)) + "]"


def separator_class() -> str:
    """The class of everything that may stand between the digits of one number."""
    return char_class(DIGIT_SEPARATORS)[:-1] + SYMBOL_RANGES + "]"


def to_digits(raw: str) -> str:
    """ASCII digits (and a trailing ``X``) of a digit run, separators dropped.

    Characters that are neither digits nor separators are kept as they are, so the
    caller's validation rejects them instead of this function hiding them.
    """
    digits = raw.translate(_DIGIT_TABLE)
    if not digits.isascii():
        digits = _SYMBOLS.sub("", digits)
    return digits


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


# ---------------------------------------------------------------------------
# Folding: a view of the post with the disguises undone, of the same length.
#
# Every rule here replaces one character by one character, so an offset into the
# folded text is the same offset into the original: findings are located in the fold
# and reported on the original without any offset map. Characters are only folded
# where a disguise is possible; ordinary text (ASCII, CJK) comes back unchanged and
# without a copy.

# Cyrillic and Greek letters that look like Latin ones, typed into names and e-mail
# addresses to slip past filters (Unicode TR39 confusables, the common ones).
_LATIN_LOOKALIKES = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
    "ј": "j", "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "τ": "t", "ι": "i", "κ": "k",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}  # fmt: skip

FOLD_TABLE: dict[str, str] = {
    # Full-width digits, letters and the signs of numbers and addresses (what a Chinese
    # input method types). Full-width punctuation (，。：！) is left alone: it is in
    # every Chinese post and means nothing here, and folding it would copy every post.
    **{chr(0xFF10 + i): chr(0x30 + i) for i in range(10)},
    **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
    **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
    "＠": "@", "＋": "+", "＃": "#", "．": ".", "－": "-", "＿": "_",
    # Circled and negative circled digits.
    **{chr(0x2460 + i): str(i + 1) for i in range(9)},
    "⓪": "0", "⓿": "0",
    **{chr(0x2776 + i): str(i + 1) for i in range(9)},
    **{chr(0x2780 + i): str(i + 1) for i in range(9)},
    **{chr(0x278A + i): str(i + 1) for i in range(9)},
    # Dashes of every width read as the hyphen.
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "ⓐ": "@", "Ⓐ": "@",
    **_LATIN_LOOKALIKES,
}  # fmt: skip

# As ranges: a class listing hundreds of single characters is searched one entry at a
# time, ranges are one table lookup. The Greek and Cyrillic blocks are taken whole
# (letters without a Latin twin fold to themselves).
_FOLD_CHARS = re.compile(
    "[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff20\uff0b\uff03\uff0e\uff0d\uff3f"
    "\u2460-\u2468\u24ea\u24ff\u2776-\u277e\u2780-\u2788\u278a-\u2792\u2010-\u2014\u2212"
    "\u24d0\u24b6\u0391-\u03c9\u0400-\u04ff\u0500-\u052f]"
)


def _fold_char(m: re.Match[str]) -> str:
    c = m.group()
    return FOLD_TABLE.get(c, c)


def fold(text: str) -> str:
    """``text`` with look-alikes folded to the plain characters they stand for.

    Same length as ``text``, character for character (see above). Letters typed for
    digits ("l38 OO12") are not folded here: whether an O is a zero depends on the
    digits around it, which the number scanner judges.
    """
    if _FOLD_CHARS.search(text) is None:
        return text
    return _FOLD_CHARS.sub(_fold_char, text)
