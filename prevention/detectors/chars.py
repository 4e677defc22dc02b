"""Character classes shared by the scanning expression and the validators."""

from __future__ import annotations

import re

from prevention.detectors.normalize import (
    CHECK_X,
    DIGIT_EQUIVALENTS,
    DIGIT_LOOKALIKES,
    SYMBOL_RANGES,
    ZERO_WIDTH,
    char_class,
    separator_class,
)

DIGIT_CHARS = "".join(DIGIT_EQUIVALENTS)
LOOKALIKE_CHARS = "".join(DIGIT_LOOKALIKES)
DIGIT_CLASS = char_class(DIGIT_CHARS)
DIGIT_OR_LOOKALIKE_CLASS = char_class(DIGIT_CHARS + LOOKALIKE_CHARS)
# A dot followed by a space ends a sentence, not a digit group ("… 5583. 4766 Carroll
# Turnpike").
SEPARATOR_CLASS = "(?:" + separator_class().replace("\\.", "") + r"|\.(?![ \t\r\n]))"
CHECK_X_CLASS = char_class(CHECK_X)
ZERO_WIDTH_CLASS = char_class(ZERO_WIDTH)

PLATE_CHAR = "[A-HJ-NP-Za-hj-np-z0-9]"
PLATE_GAP = char_class(" ·•・.-\u00a0" + ZERO_WIDTH)
# Characters that make a digit run part of a longer token (hashes, tracking codes such
# as "SF1234567890123", URLs' query strings).
TOKEN_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
)
ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
LOOKALIKE_SET = frozenset(LOOKALIKE_CHARS)
# Groups of a digit run: digits, possibly joined by invisible characters and emoji
# (inserted anywhere to break matching); visible separators (spaces, dashes, dots,
# slashes, line breaks) end a group.
DIGIT_GROUP = re.compile(rf"{DIGIT_OR_LOOKALIKE_CLASS}(?:[{ZERO_WIDTH}{SYMBOL_RANGES}]*{DIGIT_OR_LOOKALIKE_CLASS})*")
ASCII_DIGIT_GROUP = re.compile(r"[0-9]+")

# Characters a number written plainly is made of; anything else means it was disguised.
PLAIN_NUMBER_CHARS = frozenset("0123456789 -.()+/xX\u00a0")
