"""The canonical form of one value, the form staydown fingerprints are computed from."""

from __future__ import annotations

import re

from prevention.detectors.addresses import address_normalized
from prevention.detectors.cards import valid_card
from prevention.detectors.emails import email_normalized
from prevention.detectors.findings import NUMBER_KINDS
from prevention.detectors.ids import valid_id_number
from prevention.detectors.names import name_key
from prevention.detectors.normalize import (
    fold,
    to_digits,
)
from prevention.detectors.phones import LABELLED, phone
from prevention.detectors.plates import plate_normalized
from prevention.detectors.spelled import DIGIT_WORDS, SPELLED_RUN, SPELLED_TOKEN


def normalize_value(kind: str, raw: str) -> str | None:
    """Canonical form of ``raw`` as a value of ``kind``; None when it is not one.

    ID numbers: 18 characters, upper-case X. Phones: E.164 (national forms are read as
    mainland numbers). Cards: digits only. E-mail: lower case. Plates: without
    separators. Addresses: NFKC, zero-width characters and gaps between Chinese
    characters removed, whitespace collapsed, case-folded. Names: folded, lower case,
    without spaces or dots. All obfuscations ``scan`` sees through are undone here too.
    """
    if kind in NUMBER_KINDS:
        text = fold(raw).strip().lstrip("(（")
        extension = re.search(r"(?<=[0-9])[ \t]?(?:x|ext\.?|extension)[ \t]?[0-9]{1,5}$", text, re.IGNORECASE)
        if kind == "phone" and extension is not None:
            text = text[: extension.start()]
        plus = text[:1] == "+"
        if plus:
            text = text[1:]
        shape: str | None = text
        if SPELLED_RUN.fullmatch(text) is not None:
            digits = "".join(DIGIT_WORDS.get(t.lower(), t) for t in SPELLED_TOKEN.findall(text))
            shape = None  # spelled out: written as a number on purpose
        else:
            digits = to_digits(text)
        if not digits or not digits.isascii() or not digits.rstrip("X").isdigit():
            return None
        if kind == "id_number":
            return digits if not plus and valid_id_number(digits) else None
        if kind == "bank_card":
            return digits if not plus and digits.isdigit() and valid_card(digits) else None
        hit = phone(digits, plus, shape, LABELLED)
        return hit[0] if hit else None
    if kind == "email":
        return email_normalized(raw)
    if kind == "licence_plate":
        return plate_normalized(fold(raw).strip())
    if kind == "address":
        return address_normalized(raw)
    if kind == "protected_name":
        return name_key(raw)
    raise ValueError(f"unknown kind of personal information: {kind!r}")
