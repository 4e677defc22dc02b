"""What the detectors report: the kinds of personal information, the rules, a finding."""

from __future__ import annotations

import operator
from typing import NamedTuple

KINDS: tuple[str, ...] = (
    "id_number",
    "phone",
    "bank_card",
    "email",
    "licence_plate",
    "address",
    "protected_name",
)
ALL_KINDS = frozenset(KINDS)
NUMBER_KINDS = frozenset({"id_number", "phone", "bank_card"})
PHONE_ONLY = frozenset({"phone"})

# What each rule checks, for people reading findings (the screening answer explains
# the rule to the poster in their language, see prevention.screening).
RULES: dict[str, str] = {
    "id_number.gb11643": "18 characters: a known province code, a real birth date, a valid check character",
    "phone.cn_mobile": "11 digits in a mainland mobile range",
    "phone.cn_landline": "an area code with its trunk 0 and a subscriber number",
    "phone.nanp": "a North American number (area code, exchange, line), not toll-free",
    "phone.international": "a country code and a number that reaches a person there",
    "bank_card.luhn": "a card network's number range and length, with a valid Luhn digit",
    "email.address": "an e-mail address",
    "email.obfuscated": "an e-mail address with its @ or dots written another way",
    "licence_plate.ga36": "a mainland licence plate (province, authority letter, serial)",
    "address.cn_house_number": "a street or village with a house number",
    "address.cn_building": "a street or estate with a block, building or unit",
    "address.en_street": "a house number, a street name and a USPS street suffix",
    "address.en_po_box": "a post-office box",
    "address.en_military": "a military postal address (APO/FPO/DPO)",
    "protected_name.match": "the name of a person under protection",
}


class Finding(NamedTuple):
    """One value found. A named tuple: scans build many, and a tuple is built fastest."""

    type: str
    start: int  # offsets into the original text, end exclusive
    end: int
    value: str  # text[start:end]
    normalized: str  # the kind's canonical form, see normalize_value
    confidence: float  # 0..1
    rule: str = ""  # a key of RULES
    obfuscated: bool = False  # written in a disguised form


# How findings are ordered: by start, then end.
POSITION = operator.attrgetter("start", "end")
