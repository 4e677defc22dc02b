"""Detectors for personal information in posts: a pure module, no Django, no database.

``scan`` finds resident ID numbers, phone numbers, bank cards, e-mail addresses, licence
plates, street addresses and the names of protected persons. ``normalize_value`` gives
the canonical form of one value, the form staydown fingerprints are computed from; a
finding's ``normalized`` is always ``normalize_value(finding.type, finding.value)``.
Each finding names the ``rule`` that recognised it (``phone.cn_mobile``,
``address.en_street``, ...; see ``RULES``) and whether the value was written in a
disguised form (``obfuscated``).

How it works and stays fast:

* The post is first folded (``prevention.normalize.fold``): full-width forms, circled
  and mathematical digits, dashes and the Cyrillic or Greek letters that look like
  Latin ones are replaced by the plain characters, one character for one, so offsets
  into the fold are offsets into the original text and no map is needed. Texts with
  nothing to fold are not copied.
* One compiled expression runs over the fold. Every alternative starts by consuming a
  character from one shared class (digits in any form, plate provinces), so the regex
  engine skips ordinary prose in its tight loop. Digit runs may carry what people put
  between digits to hide them: spaces, dashes, dots, zero-width characters, emoji and
  symbols, a line break, letters typed for digits (O for 0, l for 1) where they touch
  digits.
* Only the short candidate spans are normalised and validated (check characters,
  dates, numbering plans, Luhn and card networks, grouping, the label before the
  number), which keeps order numbers, dates, versions and toll-free numbers quiet. A
  run that fails as a whole is split at its visible separators into the best set of
  valid numbers (a card followed by a phone is two findings), never across a date.
* E-mail addresses, spelled-out digits ("one three eight ..."), Chinese and English
  addresses (``prevention.addresses``) and PO boxes have their own passes, each run
  only when a cheap test says the text may hold one.
* Protected names are matched with an Aho-Corasick automaton (``NameIndex``, built once
  per set of names) over the fold with spaces, dots and zero-width characters removed,
  so the cost does not grow with the number of names.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import NamedTuple

import ahocorasick_rs
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

from prevention import addresses
from prevention.cn_regions import (
    ID_PROVINCE_PREFIXES,
    PLATE_ENERGY_LETTERS,
    PLATE_LETTERS,
    PLATE_PROVINCES,
    PLATE_SUFFIXES,
)
from prevention.normalize import (
    CHECK_X,
    DIGIT_EQUIVALENTS,
    DIGIT_LOOKALIKES,
    SYMBOL_RANGES,
    ZERO_WIDTH,
    char_class,
    fold,
    fold_text,
    separator_class,
    strip_zero_width,
    to_digits,
)

__all__ = ["KINDS", "RULES", "Finding", "NameIndex", "name_index", "normalize_value", "scan"]

KINDS: tuple[str, ...] = (
    "id_number",
    "phone",
    "bank_card",
    "email",
    "licence_plate",
    "address",
    "protected_name",
)
_ALL_KINDS = frozenset(KINDS)
_NUMBER_KINDS = frozenset({"id_number", "phone", "bank_card"})
_PHONE_ONLY = frozenset({"phone"})

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


# ---------------------------------------------------------------------------
# Character classes shared by the scanning expression and the validators.

_DIGIT_CHARS = "".join(DIGIT_EQUIVALENTS)
_LOOKALIKE_CHARS = "".join(DIGIT_LOOKALIKES)
_D = char_class(_DIGIT_CHARS)
_DL = char_class(_DIGIT_CHARS + _LOOKALIKE_CHARS)
# A dot followed by a space ends a sentence, not a digit group ("… 5583. 4766 Carroll
# Turnpike").
_SEP = "(?:" + separator_class().replace("\\.", "") + r"|\.(?![ \t\r\n]))"
_X = char_class(CHECK_X)
_ZW = char_class(ZERO_WIDTH)

_PLATE_CHAR = "[A-HJ-NP-Za-hj-np-z0-9]"
_PLATE_GAP = char_class(" ·•・.-\u00a0" + ZERO_WIDTH)

# The one class every alternative starts with; see the module docstring.
_UNIT_CHARS = "号號座栋棟幢弄组排单單"
_FIRST = char_class(_DIGIT_CHARS + PLATE_PROVINCES + _UNIT_CHARS + "@([{<（【艾圈")

_SCAN = re.compile(
    _FIRST + "(?:"
    # A run of at least seven digits with separators between them, optionally closed
    # by the X check character of an ID number (but not by a word starting with x).
    rf"(?<={_D})(?P<num>(?:{_SEP}{{0,4}}{_DL}){{6,}}(?:{_SEP}{{0,3}}{_X}(?![A-Za-z]))?)"
    rf"|(?<={char_class(PLATE_PROVINCES)})(?P<plate>{_PLATE_GAP}?[A-HJ-NP-Za-hj-np-z]"
    rf"{_PLATE_GAP}?(?:{_PLATE_CHAR}{_ZW}?){{4,5}}(?:{_PLATE_CHAR}|[{PLATE_SUFFIXES}])"
    r"(?![A-Za-z0-9]))"
    # A house number and the words after it: judged by addresses.en_street.
    r"|(?<=[0-9])(?P<en_addr>[0-9]{0,5}[A-Za-z]?(?:-[0-9]{1,4})?[ \t]+"
    r"(?:[A-Za-z0-9][A-Za-z0-9'’.\-]*[ \t]+){1,5}[A-Za-z][A-Za-z'’\-]*\.?)"
    # The unit of a Chinese address ("…路88号", "…街A座"): judged by addresses.cn_address_at.
    # Only after a number or a block letter, and never a metro line (7号线).
    rf"|(?<=[0-9A-Za-z一二三四五六七八九十百零〇两]{char_class(_UNIT_CHARS)})(?!线)(?P<cn_unit>)"
    # The at sign of an e-mail address, in the forms it is written in.
    r"|(?<=@)(?P<at>)"
    r"|(?<=[(\[{<（【])(?P<at_bracket>[ \t]?(?:at|AT|At|@)[ \t]?[)\]}>）】])"
    r"|(?<=艾)(?P<at_cn>特)|(?<=圈)(?P<at_circle>圈?[aA])"
    ")"
)

# Characters that make a digit run part of a longer token (hashes, tracking codes such
# as "SF1234567890123", URLs' query strings).
_TOKEN_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
)
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_LOOKALIKE_SET = frozenset(_LOOKALIKE_CHARS)
# Groups of a digit run: digits, possibly joined by invisible characters and emoji
# (inserted anywhere to break matching); visible separators (spaces, dashes, dots,
# slashes, line breaks) end a group.
_GROUP = re.compile(rf"{_DL}(?:[{ZERO_WIDTH}{SYMBOL_RANGES}]*{_DL})*")
_ASCII_DIGIT_GROUP = re.compile(r"[0-9]+")

# ---------------------------------------------------------------------------
# Resident ID numbers (GB 11643-1999).

# ISO 7064 MOD 11-2 as specified by GB 11643-1999: weight of position i (from the
# left, i = 1..17) is 2^(18-i) mod 11; the check character is indexed by the weighted
# sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
# The weighted sum is taken over the ASCII codes of the digits; this removes the codes'
# offset again ("0" is 48).
_ID_CODE_OFFSET = 48 * sum(_ID_WEIGHTS)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_EARLIEST_BIRTH_YEAR = 1900
_YEAR_AT_START = date.today().year


def _plausible_birth_date(year: int, month: int, day: int) -> bool:
    if year < _EARLIEST_BIRTH_YEAR or not 1 <= month <= 12 or day < 1:
        return False
    last = _DAYS_IN_MONTH[month - 1]
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = 29
    if day > last:
        return False
    if year < _YEAR_AT_START:
        return True
    # Only dates close to today need the clock; a birth date cannot be in the future.
    today = date.today()
    return year < today.year or (year == today.year and (month, day) <= (today.month, today.day))


def _id_shaped(chars: str) -> bool:
    """18 characters with a real province prefix and a plausible birth date.

    Such a run with a wrong check character is a mistyped or invented ID number; it is
    never read as a card or as pieces of other numbers.
    """
    body = chars[:17]
    return (
        len(chars) == 18
        and body.isdigit()
        and body[:2] in ID_PROVINCE_PREFIXES
        and _plausible_birth_date(int(chars[6:10]), int(chars[10:12]), int(chars[12:14]))
    )


def _valid_id_number(chars: str) -> bool:
    """``chars``: 18 characters, ASCII digits with an optional final ``X``."""
    if not _id_shaped(chars):
        return False
    body = chars[:17]
    total = sum(map(operator.mul, _ID_WEIGHTS, body.encode())) - _ID_CODE_OFFSET
    return _ID_CHECK_CHARS[total % 11] == chars[17]


# ---------------------------------------------------------------------------
# Bank cards.

# Each digit d replaced by the digit sum of 2d, working on ASCII codes (offset 48).
_LUHN_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")


def _luhn_ok(digits: str) -> bool:
    """``digits``: ASCII digits only."""
    odd = sum(digits[-1::-2].encode())
    even = sum(digits[-2::-2].encode().translate(_LUHN_DOUBLED))
    return (odd + even - 48 * len(digits)) % 10 == 0


def _plausible_card_prefix(digits: str) -> bool:
    """Issuer identification ranges and lengths of the card networks.

    Source: the networks' published IIN ranges (ISO/IEC 7812 issuer identification
    numbers) - Visa 4 (13, 16, 19 digits); Mastercard 51-55 and 2221-2720 (16); American
    Express 34, 37 (15); JCB 35 (3528-3589 issued, 16-19) and the 15-digit JCB/UATP ranges 1800 and
    2131; Diners Club 300-305, 3095, 36, 38, 39 (14-19); Discover 6011, 644-649, 65
    (16-19); UnionPay 62 and 81 (16-19); RuPay 60, 82 (16); Maestro 50, 56-58, 63, 67,
    5018, 5020, 5038, 5893, 6304, 6759, 6761-6763 (12-19); Mir 2200-2204 (16-19); Troy
    9792 (16); and ICBC's legacy domestic debit range 9558 (19).
    """
    n = len(digits)
    first = digits[0]
    if first == "4":
        return n in (13, 16, 19)
    two = int(digits[:2])
    three = int(digits[:3])
    four = int(digits[:4])
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return n == 16
    if two in (34, 37):
        return n == 15
    if four in (1800, 2131):
        return n == 15
    if two == 35 or four == 6011 or two == 65 or 644 <= three <= 649:
        return 16 <= n <= 19
    if two in (62, 81):
        return 16 <= n <= 19
    if two in (36, 38, 39) or 300 <= three <= 305 or four == 3095:
        return 14 <= n <= 19
    if two in (60, 82):
        return n == 16
    if two in (50, 56, 57, 58, 63, 67) or four in (5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763):
        return 12 <= n <= 19
    if 2200 <= four <= 2204:
        return 16 <= n <= 19
    if four == 9792:
        return n == 16
    if four == 9558:
        return n == 19
    return False


def _valid_card(digits: str) -> bool:
    return 12 <= len(digits) <= 19 and _plausible_card_prefix(digits) and _luhn_ok(digits)



# ---------------------------------------------------------------------------
# Phone numbers.

# Phone numbers are validated against libphonenumber's metadata for the country: the
# number must fit the country's plan and be of a type that reaches a person. Toll-free,
# shared-cost, premium and universal access numbers belong to businesses (hotlines such
# as 400-820-8820 or 800-810-1234) and are not reported.
#
# The metadata's patterns are compiled once per region and applied to the digits already
# extracted, in the order phonenumbers.number_type applies them; going through
# phonenumbers.parse and number_type for every candidate would cost several times the
# whole scan of a post. tests/prevention/test_detectors.py checks that both agree.
_DESCS_IN_TYPE_ORDER = (
    ("premium_rate", False),
    ("toll_free", False),
    ("shared_cost", False),
    ("voip", True),
    ("personal_number", True),
    ("pager", True),
    ("uan", False),
    ("voicemail", False),
    ("fixed_line", True),
    ("mobile", True),
)

_Desc = tuple[frozenset[int], re.Pattern[str]]


@dataclass(frozen=True, slots=True)
class _NumberingPlan:
    leading_digits: re.Pattern[str] | None
    general: _Desc | None
    types: tuple[tuple[bool, _Desc], ...]  # (reaches a person, description), in type order
    # All type patterns as one ordered alternation; each alternative ends in an empty
    # group named after its index, so one fullmatch finds the first type that fits.
    any_type: re.Pattern[str] | None


def _compiled_desc(desc: object) -> _Desc | None:
    pattern = getattr(desc, "national_number_pattern", None)
    if not pattern:
        return None
    return frozenset(getattr(desc, "possible_length", ()) or ()), re.compile(pattern)


@cache
def _numbering_plan(country_code: int, region: str) -> _NumberingPlan | None:
    if region == "001":  # non-geographic codes such as +800 or +882
        metadata = PhoneMetadata.metadata_for_nongeo_region(country_code)
    else:
        metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return None
    types = []
    for name, personal in _DESCS_IN_TYPE_ORDER:
        desc = _compiled_desc(getattr(metadata, name))
        if desc is not None:
            types.append((personal, desc))
    leading = re.compile(metadata.leading_digits) if metadata.leading_digits else None
    any_type = (
        re.compile("|".join(f"(?:{d[1].pattern})(?P<t{i}>)" for i, (_, d) in enumerate(types)))
        if types
        else None
    )
    return _NumberingPlan(leading, _compiled_desc(metadata.general_desc), tuple(types), any_type)


def _desc_matches(desc: _Desc, national: str) -> bool:
    lengths, pattern = desc
    return (not lengths or len(national) in lengths) and pattern.fullmatch(national) is not None


def _plan_verdict(plan: _NumberingPlan, national: str) -> bool | None:
    """True: a person's number; False: a business number; None: not a number here."""
    if plan.general is None or not _desc_matches(plan.general, national):
        return None
    first = plan.any_type.fullmatch(national) if plan.any_type is not None else None
    if first is None:
        return None
    personal, (lengths, _) = plan.types[int(first.lastgroup[1:])]
    if not lengths or len(national) in lengths:
        return personal
    # The pattern fits but the type's possible lengths exclude the number: go through
    # the types one by one, as the library does.
    for personal, desc in plan.types:
        if _desc_matches(desc, national):
            return personal
    return None


def _reaches_a_person(country_code: int, national: str) -> bool:
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if not regions:
        return False
    if len(regions) == 1:
        plan = _numbering_plan(country_code, regions[0])
        return plan is not None and _plan_verdict(plan, national) is True
    # A shared code (+1, +44, +7): the first region whose leading digits match, or else
    # the first whose plan knows the number, decides - as phonenumbers does it.
    for region in regions:
        plan = _numbering_plan(country_code, region)
        if plan is None:
            continue
        if plan.leading_digits is not None:
            if plan.leading_digits.match(national):
                return _plan_verdict(plan, national) is True
            continue
        verdict = _plan_verdict(plan, national)
        if verdict is not None:
            return verdict
    return False


# Mainland mobile numbers are by far the most common case and get the CN mobile pattern
# directly (no business number type in the CN plan starts with 1).
_CN_MOBILE = re.compile(PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern)

# North American numbers: NPA-NXX-XXXX (NANP administration's format rules: neither the
# area code nor the exchange starts with 0 or 1 or is an N11 service code; area codes
# with 9 in the middle are reserved). Toll-free codes, 900 and the unassigned service
# codes N00 are no person's number (400-xxx-xxxx is also a mainland business hotline).
_NANP_SHAPE = re.compile(r"[2-9][0-8][0-9][2-9][0-9]{6}")
_NANP_BUSINESS = frozenset({"800", "833", "844", "855", "866", "877", "888", "900",
                            "200", "300", "400", "700"})  # fmt: skip


def _nanp_e164(national: str, *, shaped_is_enough: bool) -> str | None:
    """E.164 of a ten-digit North American number that reaches a person, or None.

    ``shaped_is_enough``: the way it was written says it is a phone number (grouped
    3-3-4, after +1, spelled out), so a number in an area code the metadata does not
    list yet is taken on its shape.
    """
    if len(national) != 10 or national[:3] in _NANP_BUSINESS:
        return None
    shaped = (
        _NANP_SHAPE.fullmatch(national) is not None
        and national[1:3] != "11"
        and national[4:6] != "11"
    )
    if shaped and shaped_is_enough:
        return "+1" + national  # the metadata is not needed to say yes
    return "+1" + national if _reaches_a_person(1, national) else None


def _valid_e164(country_code: int, national: str) -> str | None:
    if country_code == 1:
        return _nanp_e164(national, shaped_is_enough=True)
    if not 4 <= len(national) <= 14 or not _reaches_a_person(country_code, national):
        return None
    return f"+{country_code}{national}"


def _international(digits: str) -> tuple[str, str] | None:
    """(E.164, rule) of country code and national number, without "+" or "00"."""
    if not 8 <= len(digits) <= 15:
        return None
    if digits.startswith("86") and _CN_MOBILE.fullmatch(digits, 2):
        return "+" + digits, "phone.cn_mobile"
    # Country codes are prefix-free, so at most one of these lengths names a country.
    for length in (1, 2, 3):
        country_code = int(digits[:length])
        if country_code in COUNTRY_CODE_TO_REGION_CODE:
            national = digits[length:]
            e164 = _valid_e164(country_code, national)
            if e164 is None and national.startswith("0"):
                # "+44 (0)20 ...": the trunk prefix written after the country code.
                e164 = _valid_e164(country_code, national[1:])
            if e164 is None:
                return None
            if country_code == 86:
                rule = "phone.cn_mobile" if national.startswith("1") else "phone.cn_landline"
            elif country_code == 1:
                rule = "phone.nanp"
            else:
                rule = "phone.international"
            return e164, rule
    return None


def _groups_of(raw: str) -> tuple[int, ...]:
    return tuple(len(g) for g in _ASCII_DIGIT_GROUP.findall(to_digits_keep_gaps(raw)))


_GAPS_KEPT = {ord(k): ord(v) for k, v in {**DIGIT_EQUIVALENTS, **DIGIT_LOOKALIKES}.items()}


def to_digits_keep_gaps(raw: str) -> str:
    return raw if raw.isascii() and not any(c in _LOOKALIKE_SET for c in raw) else raw.translate(_GAPS_KEPT)


# What is said before a number: a phone label, nothing in English prose, nothing in
# Chinese prose (where a bare ten-digit number is a date, a code or a reference).
LABELLED, UNLABELLED, IN_CHINESE = 2, 1, 0
_CJK = re.compile("[\u3400-\u9fff]")


def _phone(digits: str, plus: bool, raw: str | None, labelled: int) -> tuple[str, str] | None:
    """(E.164, rule) of a digit run, or None when it is no callable number.

    National forms are read as mainland numbers: mobiles (11 digits starting with 1)
    and landlines with the trunk prefix 0. A landline without its 0 is not accepted,
    because eight to ten bare digits are usually dates, timestamps or references.
    North American numbers are taken in their 3-3-4 grouping (with or without the
    leading 1), spelled out (``raw`` None), or bare after a phone label; grouped as
    1-3-3-4 a number is North American even where it would fit a mainland mobile range
    (1-800-555-0199 is a toll-free number, not a China Telecom mobile).
    """
    n = len(digits)
    if not digits.isdigit() or n < 7:
        return None
    if plus:
        return _international(digits)
    if digits.startswith("00"):
        return _international(digits[2:])
    if n == 11 and digits[0] == "1":
        nanp = (raw is None and not _CN_MOBILE.fullmatch(digits)) or (
            raw is not None and not raw.isdigit() and _groups_of(raw) == (1, 3, 3, 4)
        )
        if nanp:
            e164 = _nanp_e164(digits[1:], shaped_is_enough=True)
            return (e164, "phone.nanp") if e164 else None
        if _CN_MOBILE.fullmatch(digits):
            return "+86" + digits, "phone.cn_mobile"
        return None
    if n == 13 and digits.startswith("86") and _CN_MOBILE.fullmatch(digits, 2):
        return "+" + digits, "phone.cn_mobile"
    if digits[0] == "0" and 10 <= n <= 12:
        e164 = _valid_e164(86, digits[1:])
        return (e164, "phone.cn_landline") if e164 else None
    if n == 10:
        groups = _groups_of(raw) if raw is not None else ()
        # Written as a phone number: 3-3-4, a digit at a time, spelled out, or hidden
        # with characters between the digits; else bare, which is taken only for a
        # number the numbering plan knows or after a phone label.
        shaped = (
            raw is None
            or groups == (3, 3, 4)
            or (len(groups) == 10 and not _counting(digits))
            or not _PLAIN_NUMBER_CHARS.issuperset(raw)
        )
        if not shaped and labelled == IN_CHINESE:
            return None
        e164 = _nanp_e164(digits, shaped_is_enough=shaped or labelled == LABELLED)
        return (e164, "phone.nanp") if e164 else None
    return None


def _counting(digits: str) -> bool:
    """"2 3 4 5 6 7 8 9 0 1": counting, not a number."""
    steps = {(int(b) - int(a)) % 10 for a, b in zip(digits, digits[1:], strict=False)}
    return len(steps) == 1


_PHONE_EXTENSION = re.compile(r"[ \t]?(?:x|ext\.?|extension)[ \t]?[0-9]{1,5}(?![0-9])", re.IGNORECASE)
def _keyword_pattern(words: Sequence[str]) -> re.Pattern[str]:
    """A search pattern for ``words`` (ASCII letters in any case) that scans fast.

    All alternatives share one first character class, which lets the regex engine skip
    characters that start no word in its inner loop. Each alternative then starts with
    its word's second character, so the engine rejects it with one class test, and only
    then checks the first character with a two-character lookbehind.
    """

    def cased(c: str) -> str:
        return char_class(c + c.upper()) if c.isascii() and c.isalpha() else char_class(c)

    firsts = "".join(w[0] + w[0].upper() for w in words)
    alternatives = [
        cased(w[1]) + f"(?<={cased(w[0])}{cased(w[1])})" + "".join(cased(c) for c in w[2:])
        for w in sorted(words, key=len, reverse=True)
    ]
    return re.compile(char_class(firsts) + "(?:" + "|".join(alternatives) + ")")


# Words just before a number that say what it is. A reference or order number can pass
# Luhn by chance (one in ten), so for cards and phones the nearest label decides.
_CONTEXT_WINDOW = 16
_REFERENCE_WORDS = _keyword_pattern(
    "订单 单号 运单 快递 物流 流水 交易号 编号 工单 批次 序列号 批号 发票 票号 验证码 邮编 "
    "order tracking invoice serial reference ref: ref. ticket waybill parcel isbn "
    "transaction shipment booking "
    # Gift, voucher and activation codes are written like phone or card numbers.
    "兑换码 礼品码 礼品卡 激活码 卡密 券码 优惠码 充值码 提货码 取件码 "
    "gift voucher coupon promo redeem redemption activation cdkey".split()
)
_CONTACT_WORDS = _keyword_pattern(
    "电话 手机 联系 致电 打给 卡号 银行卡 账号 帐号 信用卡 储蓄卡 "
    "phone mobile tel call text whatsapp card account".split()
)
# Labels that say the next number is a phone number: a bare ten-digit number is taken
# as North American only after one of them.
_PHONE_WORDS = _keyword_pattern(
    "电话 手机 致电 打给 号码 phone mobile cell tel call text number reach whatsapp".split()
)


# A label only speaks for the number in its own clause: "运单号：9540…，138…" labels
# the first number, not the second.
_CLAUSE_BREAK = re.compile(r"[，,;；。!！?？\n]|\.\s+[A-Z]")


def _labelled_as_phone(text: str, start: int) -> bool:
    low = max(0, start - _CONTEXT_WINDOW)
    label = _PHONE_WORDS.search(text, low, start)
    if label is None:
        return False
    last = label
    while (later := _PHONE_WORDS.search(text, last.end(), start)) is not None:
        last = later
    return _CLAUSE_BREAK.search(text, last.end(), start) is None


def _labelled_as_reference(text: str, start: int) -> bool:
    low = max(0, start - _CONTEXT_WINDOW)
    reference = _REFERENCE_WORDS.search(text, low, start)
    if reference is None:
        return False  # the common case: one search and done
    last = reference
    while (later := _REFERENCE_WORDS.search(text, last.end(), start)) is not None:
        last = later
    if _CLAUSE_BREAK.search(text, last.end(), start) is not None:
        return False
    # "快递单号…收件人电话 138…": a contact word after the reference word wins.
    return _CONTACT_WORDS.search(text, last.end(), start) is None


# ---------------------------------------------------------------------------
# E-mail addresses.

# Top-level domains an address may end in: the generic ones in common use and every
# ISO 3166-1 alpha-2 country code (IANA root zone). File extensions are not among them,
# which keeps "icon@2x.png" quiet.
_TLDS = frozenset(
    """com net org edu gov mil int info biz name pro mobi asia io co me tv cc app dev xyz
    top vip site online shop club store tech ai live email link cloud work fun ltd group
    ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br
    bs bt bw by bz ca cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz
    ec ee eg er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt
    gu gw gy hk hm hn hr ht hu id ie il im in iq ir is it je jm jo jp ke kg kh ki km kn kp
    kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md mg mh mk ml mm mn mo mp mq mr ms
    mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn
    pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st sv sx
    sy sz tc td tf tg th tj tk tl tm tn to tr tt tw tz ua ug uk us uy uz va vc ve vg vi vn
    vu wf ws ye yt za zm zw""".split()
)
# Mail providers people name in words ("zhangsan at qq dot com").
_MAIL_PROVIDERS = frozenset(
    "gmail googlemail yahoo hotmail outlook live msn aol icloud me mac protonmail proton qq "
    "foxmail 163 126 yeah sina sohu 139 189 aliyun tom 21cn example".split()
)

# The at sign's forms are found by the main scan (_SCAN); the spaces around a
# bracketed form are taken in _email_at.
_BARE_AT = re.compile(r"[ \t]+(?:at|AT)[ \t]+")
_DOT_FORMS = (
    r"\.|[ \t]?[(\[{（【][ \t]?(?:dot|DOT|\.)[ \t]?[)\]}）】][ \t]?|[ \t]+(?:dot|DOT)[ \t]+|点|點|。"
)
_EMAIL_LOCAL_REVERSED = re.compile(rf"[A-Za-z0-9._%+\-{ZERO_WIDTH}]{{1,64}}")
_EMAIL_LABEL = rf"[A-Za-z0-9\-{ZERO_WIDTH}]+"
_EMAIL_DOMAIN = re.compile(rf"{_EMAIL_LABEL}(?:(?:{_DOT_FORMS}){_EMAIL_LABEL}){{1,6}}")
_EMAIL_DOT = re.compile(_DOT_FORMS)
_LOCAL_DOT_WORD_REVERSED = re.compile(r"[ \t](?:tod|TOD)[ \t][A-Za-z0-9_\-]{1,30}(?![A-Za-z0-9])")
# "replace # with @", "把#改成@", "(# = @)": the symbol the poster typed for the at sign.
# Matched on the few characters before an at sign, up to it.
_AT_HINT = re.compile(
    r"(?:把\s*(\S)\s*(?:改成|换成|替换为|替换成|换为|改为)"
    r"|(\S)\s*(?:换成|换|改成|改为|替换为)"
    r"|(?i:replace|swap)\s+(?:the\s+)?(\S)\s+(?i:with|for|by)"
    r"|(\S)\s*(?:=|->|→|=>|means|代表))\s*@$"
)
_EMAIL_HINT_WORDS = _keyword_pattern(
    "email e-mail mail 邮箱 邮件 联系 contact write reach".split()
)
_IMAGE_SCALE = re.compile(r"[0-9]+(?:\.[0-9]+)?x", re.IGNORECASE)
_EMAIL_CANONICAL = re.compile(
    r"[a-z0-9](?:[a-z0-9._%+\-]{0,62}[a-z0-9_%+\-])?@"
    r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}"
)
_EDGE_JUNK = "._%+-" + ZERO_WIDTH
_NORMALIZE_AT = re.compile(
    r"[ \t]*(?:[(\[{<（【][ \t]?(?:at|@)[ \t]?[)\]}>）】]|[ \t]at[ \t]|艾特|圈圈?a|小老鼠|@)[ \t]*"
)
_NORMALIZE_DOT = re.compile(
    r"[ \t]*(?:[(\[{（【][ \t]?(?:dot|\.)[ \t]?[)\]}）】]|[ \t]dot[ \t]|点|點|。|\.)[ \t]*"
)


_AT_STAND_INS = "#*&$"
_LOCAL_DOT_WORDS = re.compile(r"[ \t]dot[ \t]|[(\[][ \t]?dot[ \t]?[)\]]")


def _email_normalized(raw: str) -> str | None:
    text = raw.strip().lower()
    if not text.isascii() or not _EMAIL_CANONICAL.fullmatch(text):
        text = strip_zero_width(unicodedata.normalize("NFKC", fold(raw))).strip().lower()
        at = _NORMALIZE_AT.search(text)
        if at is None:
            # "zhang#example.com": a symbol typed for the at sign (the caller, or the
            # hint in the post, says it is an address).
            symbol = next((s for s in _AT_STAND_INS if text.count(s) == 1), None)
            if symbol is None:
                return None
            text = text.replace(symbol, "@")
            at = _NORMALIZE_AT.search(text)
            if at is None:
                return None
        local, domain = text[: at.start()], text[at.end() :]
        local = _LOCAL_DOT_WORDS.sub(".", local)
        text = local + "@" + _NORMALIZE_DOT.sub(".", domain)
    if text.count("@") != 1 or ".." in text or not _EMAIL_CANONICAL.fullmatch(text):
        return None
    return text


def _at_hint(folded: str, ats: list[tuple[int, int, str]]) -> str | None:
    for start, end, form in ats:
        if form != "@":
            continue  # only a plain at sign ends a hint
        m = _AT_HINT.search(folded, max(0, start - 20), end)
        if m is not None:
            symbol = next(g for g in m.groups() if g is not None)
            if symbol in _AT_STAND_INS:
                return symbol
    return None


_HINT_WORD = re.compile("[改换替代=→>]|eplace|wap|means")




def _scan_emails(
    text: str, folded: str, ats: list[tuple[int, int, str]], out: list[Finding]
) -> None:
    """E-mail addresses around the at signs the main scan found (``ats``: start, end
    and text of each), around a symbol a hint says stands for @, and around " at "."""
    for start, end, _ in ats:
        at_form = folded[start:end]
        found = _email_at(text, folded, start, end, at_form)
        if found is not None:
            out.append(found)
    if ats and _HINT_WORD.search(folded) is not None:
        hint = _at_hint(folded, ats)
        if hint is not None:
            i = folded.find(hint)
            while i >= 0:
                found = _email_at(text, folded, i, i + 1, hint)
                if found is not None:
                    out.append(found)
                i = folded.find(hint, i + 1)
    # "zhangsan at example dot com": every " at " is a candidate, tried by position.
    for word in (" at ", " AT "):
        i = folded.find(word)
        while i >= 0:
            # Only worth a look when a dot, written or spelled, follows soon.
            at = None
            if folded.find(".", i, i + 70) >= 0 or folded.find(" dot ", i, i + 70) >= 0 or (
                folded.find(" DOT ", i, i + 70) >= 0
            ):
                at = _BARE_AT.match(folded, i)
            if at is not None:
                found = _email_at(text, folded, at.start(), at.end(), at.group())
                if found is not None:
                    out.append(found)
            i = folded.find(word, i + 3)


def _email_at(text: str, folded: str, at: int, at_end: int, at_form: str) -> Finding | None:
    if at_form[0] in "([{<（【" or at_form == "@":
        # "zhang (at) example.com", "zhang @ example.com": spaces around the at sign.
        if at and folded[at - 1] in " \t":
            at -= 1
        if at_end < len(folded) and folded[at_end] in " \t":
            at_end += 1
    local = _EMAIL_LOCAL_REVERSED.match(folded[max(0, at - 64) : at][::-1])
    domain = _EMAIL_DOMAIN.match(folded, at_end)
    if local is None or domain is None:
        return None
    start = at - local.end()
    while start < at and folded[start] in _EDGE_JUNK:
        start += 1
    if start == at or (start and folded[start - 1] in _TOKEN_CHARS):
        return None
    if at_form.strip() in ("at", "AT"):
        # "john dot smith at gmail dot com": dots of the local part spelled out too.
        while (word := _LOCAL_DOT_WORD_REVERSED.match(folded[max(0, start - 40) : start][::-1])) is not None:
            start -= word.end()
    first_label = _EMAIL_DOT.split(domain.group(), maxsplit=1)[0]
    if _IMAGE_SCALE.fullmatch(first_label):
        return None  # "icon@2x.png", "logo@3x.webp": image assets, not addresses
    bare = at_form.strip() in ("at", "AT")
    if bare:
        local_part = folded[start:at]
        plausible = (
            any(c.isdigit() or c in "._" for c in local_part)
            or first_label.lower() in _MAIL_PROVIDERS
            or _EMAIL_HINT_WORDS.search(folded, max(0, start - 24), start) is not None
        )
        if not plausible or " dot " not in domain.group().lower() and "." not in domain.group():
            return None
    # Drop labels from the right until the domain ends in a top-level domain: a
    # domain may run on into the next sentence ("…@example.net。4-6-6…").
    dots = list(_EMAIL_DOT.finditer(folded, at_end, domain.end()))
    end = domain.end()
    for dot in reversed(dots):
        tld = folded[dot.end() : end].lower()
        if not tld.isascii():
            tld = strip_zero_width(tld)
        if tld in _TLDS and (dot.group() != "。" or tld in ("com", "cn", "net", "org")):
            break
        end = dot.start()
    else:
        return None
    while end > at_end and folded[end - 1] in _EDGE_JUNK:
        end -= 1
    value = text[start:end]
    normalized = _email_normalized(value)
    if normalized is None:
        return None
    obfuscated = value.lower() != normalized
    rule = "email.obfuscated" if obfuscated else "email.address"
    return Finding("email", start, end, value, normalized, 0.95 if not bare else 0.85, rule, obfuscated)

# ---------------------------------------------------------------------------
# Licence plates.

_PLATE_SEPARATORS = re.compile(_PLATE_GAP + "+")


def _plate_normalized(raw: str) -> str | None:
    plate = _PLATE_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()
    if len(plate) not in (7, 8) or plate[0] not in PLATE_PROVINCES:
        return None
    if plate[1] not in PLATE_LETTERS:
        return None
    body = plate[2:]
    if len(body) == 6:
        # New-energy plates: energy letter first (small cars) or last (large vehicles).
        small = body[0] in PLATE_ENERGY_LETTERS and body[2:].isdigit()
        small = small and (body[1].isdigit() or body[1] in PLATE_LETTERS)
        large = body[:5].isdigit() and body[5] in PLATE_ENERGY_LETTERS
        return plate if small or large else None
    if not all(c.isdigit() or c in PLATE_LETTERS for c in body[:4]):
        return None
    if body[4] in PLATE_SUFFIXES:
        return plate if sum(c.isdigit() for c in body[:4]) >= 2 else None
    if not (body[4].isdigit() or body[4] in PLATE_LETTERS):
        return None
    # Ordinary plates carry at most two letters among the five characters (GA 36-2018).
    return plate if sum(c.isdigit() for c in body) >= 3 else None


# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Protected persons' names.

# What people slip between the characters of a name ("张 三", "张·三", "J o h n"):
# matched names ignore them.
_NAME_GAPS = " \t\n\r\u00a0\u3000·•・‧._-" + ZERO_WIDTH
_NAME_GAP_RUN = re.compile(char_class(_NAME_GAPS) + "+")


def _name_key(raw: str) -> str | None:
    """Canonical form of a name: folded, lower case, without gaps ("王 小明" -> "王小明")."""
    text = fold(unicodedata.normalize("NFKC", raw)).lower()
    text = _NAME_GAP_RUN.sub("", text)
    return text or None


class NameIndex:
    """The protected names of one policy version as an Aho-Corasick automaton.

    Built once and shared by every scan (and every thread: finding is read-only), so
    the cost of a scan does not depend on how many names there are. Names are matched
    on the fold of the post, in lower case, with the gaps people slip between the
    characters of a name removed; Latin names only as whole words.
    """

    __slots__ = ("_automaton", "_keys", "size")

    def __init__(self, names: Iterable[str]) -> None:
        keys: dict[str, tuple[int, bool, bool]] = {}
        patterns: list[str] = []
        owners: list[int] = []
        for name in names:
            key = _name_key(name) if name else None
            if key is None or key in keys:
                continue
            keys[key] = (len(key), key[0] in _ASCII_LETTERS, key[-1] in _ASCII_LETTERS)
            # The post is matched as written, so a Latin name is entered in the cases
            # people write it in (lower, upper, capitalised words) rather than lowering
            # every post.
            variants = {key}
            if any(c in _ASCII_LETTERS for c in key):
                words = _NAME_GAP_RUN.split(fold(unicodedata.normalize("NFKC", name)))
                variants |= {
                    key.upper(),
                    "".join(w.capitalize() for w in words if w),
                    "".join(words),  # as given: "Quinn DDS", "McDonald"
                }
            for variant in variants:
                if len(variant) == len(key):
                    patterns.append(variant)
                    owners.append(len(keys) - 1)
        self._keys = list(keys.values())
        self.size = len(keys)
        self._automaton = (
            (ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.Standard), owners)
            if patterns
            else None
        )

    def find(self, text: str, folded: str, out: list[Finding]) -> None:
        if self._automaton is None:
            return
        automaton, owners = self._automaton
        view = folded
        compact = _NAME_GAP_RUN.sub("", view)
        hits = automaton.find_matches_as_indexes(compact, overlapping=True)
        if not hits:
            return
        # Compact offset -> offset in the post: add the gaps removed before it.
        starts, removed, total = [], [], 0
        for gap in _NAME_GAP_RUN.finditer(view):
            g_start, g_end = gap.span()
            starts.append(g_start - total)
            total += g_end - g_start
            removed.append(total)

        def original(i: int) -> int:
            k = bisect_right(starts, i)
            return i + (removed[k - 1] if k else 0)

        taken: list[tuple[int, int]] = []
        # Longest first, so a full name wins over a protected part of it.
        for index, c_start, c_end in sorted(hits, key=lambda h: h[1] - h[2]):
            _, latin_start, latin_end = self._keys[owners[index]]
            start, end = original(c_start), original(c_end - 1) + 1
            if latin_start and start and view[start - 1] in _ASCII_LETTERS:
                continue
            if latin_end and end < len(view) and view[end] in _ASCII_LETTERS:
                continue
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            value = text[start:end]
            normalized = _name_key(value) or ""
            obfuscated = value.lower().replace(" ", "") != normalized or (
                " " in value and not latin_start
            )
            out.append(
                Finding(
                    "protected_name", start, end, value, normalized,
                    0.85 if obfuscated else 0.9, "protected_name.match", obfuscated,
                )
            )  # fmt: skip


@lru_cache(maxsize=16)
def _index_of(names: tuple[str, ...]) -> NameIndex:
    return NameIndex(names)


def name_index(names: Iterable[str]) -> NameIndex:
    """The index of ``names``, from a small cache when the same names come again."""
    return _index_of(tuple(names))


# ---------------------------------------------------------------------------
# Digit runs: ID numbers, cards, phones.

# Characters a number written plainly is made of; anything else means it was disguised.
_PLAIN_NUMBER_CHARS = frozenset("0123456789 -.()+/xX\u00a0")
_MAX_PIECE_DIGITS = 19
_CODE_PREFIX_REVERSED = re.compile(r"[-_]([A-Za-z0-9]{1,12})")
_LABEL_PREFIXES = frozenset("tel ph phone mob mobile cell call qq wx vx id no num fax".split())
_YEAR = re.compile(r"(?:19|20)[0-9][0-9]")


def _number_kind(
    digits: str, plus: bool, raw: str | None, wanted: frozenset[str], labelled_phone: int
) -> tuple[str, str, float, str] | None:
    """What a digit run is, if anything: (kind, normalized, confidence, rule)."""
    n = len(digits)
    if plus:
        if "phone" in wanted and (hit := _phone(digits, True, raw, labelled_phone)) is not None:
            return "phone", hit[0], 0.9, hit[1]
        return None
    if n == 18 and "id_number" in wanted and _valid_id_number(digits):
        return "id_number", digits, 0.99, "id_number.gb11643"
    if digits[-1] == "X":
        return None
    if (
        12 <= n <= 19
        and "bank_card" in wanted
        and _valid_card(digits)
        and not (n == 18 and _id_shaped(digits))
    ):
        return "bank_card", digits, 0.9, "bank_card.luhn"
    if n <= 15 and "phone" in wanted and (hit := _phone(digits, False, raw, labelled_phone)) is not None:
        return "phone", hit[0], 0.9, hit[1]
    return None


_HAS_LOOKALIKE = re.compile(char_class(_LOOKALIKE_CHARS))


def _lookalike_bounds(folded: str, start: int, end: int) -> tuple[int, int] | None:
    """The run ``folded[start:end]`` without letters that belong to words.

    Letters typed for digits count only where they touch a digit and no other letter:
    "l38OOl2345" is a number, "138 or" ends before "or".
    """
    if (start == 0 or folded[start - 1] not in _LOOKALIKE_SET) and _HAS_LOOKALIKE.search(
        folded, start, end
    ) is None:
        return start, end  # the common case
    i = start
    while i > 0 and folded[i - 1] in _LOOKALIKE_SET:
        i -= 1
    if i < start and (i == 0 or folded[i - 1] not in _ASCII_LETTERS):
        start = i
    elif i < start:
        return None  # the run continues a word ("No1380…")
    j = start
    while j < end:
        c = folded[j]
        if c in _LOOKALIKE_SET:
            k = j
            while k < end and folded[k] in _LOOKALIKE_SET:
                k += 1
            word = (k < len(folded) and folded[k] in _ASCII_LETTERS) or (
                j > 0 and folded[j - 1] in _ASCII_LETTERS
            )
            touches = (j > 0 and folded[j - 1].isdigit()) or (k < len(folded) and folded[k].isdigit())
            if word or not touches:
                end = j
                break
            j = k
            continue
        j += 1
    while end > start and not (folded[end - 1].isdigit() or folded[end - 1] in _DIGIT_CHARS or folded[end - 1] in _LOOKALIKE_SET or folded[end - 1] in CHECK_X):
        end -= 1
    return start, end


# Runs that need no splitting into groups: digits, and an ID number's final X.
_PLAIN_RUN = re.compile(r"[0-9]+[Xx]?")
# A run that may hold a date, a version or an IPv4 address (see _blocked_groups).
_DATE_OR_VERSION = re.compile(
    r"(?:19|20)[0-9]{2}[/.\-][0-9]{1,2}[/.\-]|[/.\-][0-9]{1,2}[/.\-](?:19|20)[0-9]{2}"
    r"|[0-9]\.[0-9]+\.[0-9]"
)


def _context(folded: str, start: int) -> int:
    if _CJK.search(folded, max(0, start - 12), start) is not None:
        return IN_CHINESE
    return LABELLED if _labelled_as_phone(folded, start) else UNLABELLED


_DIGIT = re.compile("[0-9]")
_EN_ADDRESS_WORDS = re.compile(
    r"[0-9]{1,6}[A-Za-z]?(?:-[0-9]{1,4})?[ \t]+(?:[A-Za-z0-9][A-Za-z0-9'’.\-]*[ \t]+){1,5}[A-Za-z][A-Za-z'’\-]*\.?"
)


def _next_digit(folded: str, start: int, end: int) -> int | None:
    """Where the next digit after a house number's own digits is, within the words."""
    i = start
    while i < end and folded[i].isdigit():
        i += 1
    m = _DIGIT.search(folded, i, end)
    return m.start() if m is not None else None


def _house_number_at_end(folded: str, used: int, end: int) -> int | None:
    if end >= len(folded) or folded[end] not in " \t":
        return None
    gap = max(folded.rfind(" ", used, end), folded.rfind("\n", used, end), folded.rfind("\t", used, end))
    if gap < 0 or not 1 <= end - gap - 1 <= 6 or not folded[gap + 1 : end].isdigit():
        return None
    return gap + 1


_URL_TOKEN_REVERSED = re.compile(r"[!-~]{1,200}")


def _in_url(folded: str, start: int) -> bool:
    """Whether the run is part of a URL ("https://example.com/post/5798…")."""
    m = _URL_TOKEN_REVERSED.match(folded[max(0, start - 200) : start][::-1])
    token = m.group()[::-1] if m else ""
    return "://" in token or token.startswith("www.")


def _part_of_code(folded: str, start: int) -> bool:
    """Whether the run continues a code such as "XR-1380…" or "GC_5821…"."""
    m = _CODE_PREFIX_REVERSED.match(folded[max(0, start - 13) : start][::-1])
    if m is None:
        return False
    token = m.group(1)[::-1]
    if token.lower() in _LABEL_PREFIXES:
        return False
    return any(c.isdigit() for c in token) or (len(token) >= 2 and token.isupper())


def _blocked_groups(groups: list[tuple[int, int, str]], raw: str) -> set[int] | None:
    """Indexes of groups that are dates; None when the run is a version string.

    "1993/2/21 - 1994", "2019.03.15-2020.01.02", "21/2/1993": day, month and year with
    one separator, and a year joined to such a date by a range separator, are dates,
    never parts of a phone number. "13.8.1234.5678": dot-separated groups starting with
    a short one are a version.
    """
    count = len(groups)
    seps = [raw[groups[i][1] : groups[i + 1][0]] for i in range(count - 1)]
    if (
        count >= 3
        and all(s == "." for s in seps)
        and len(groups[0][2]) <= 2
        and any(len(g[2]) > 1 for g in groups)
    ):
        return None
    blocked: set[int] = set()
    # Within a longer run, a version ("1.8.2689.668…") or an IPv4 address is never part
    # of a number either.
    i = 0
    while i < count:
        j = i
        while j + 1 < count and seps[j] == ".":
            j += 1
        dotted = groups[i : j + 1]
        sizes = [len(g[2]) for g in dotted]
        if len(dotted) >= 3 and sizes[0] <= 2 and max(sizes) > 1:
            blocked.update(range(i, j + 1))
        elif len(dotted) == 4 and max(sizes) <= 3 and all(int(g[2]) <= 255 for g in dotted):
            blocked.update(range(i, j + 1))
        i = j + 1
    for i in range(count - 2):
        a, b, c = (len(groups[k][2]) for k in (i, i + 1, i + 2))
        sep = seps[i].strip()
        if sep not in ("/", "-", ".") or seps[i + 1].strip() != sep:
            continue
        da, db, dc = groups[i][2], groups[i + 1][2], groups[i + 2][2]
        ymd = a == 4 and _YEAR.fullmatch(da) and b <= 2 and c <= 2 and 1 <= int(db) <= 12 and 1 <= int(dc) <= 31
        dmy = c == 4 and _YEAR.fullmatch(dc) and a <= 2 and b <= 2 and 1 <= int(da) <= 31 and 1 <= int(db) <= 31
        if ymd or dmy:
            blocked.update((i, i + 1, i + 2))
    if blocked:
        for i, (_, _, d) in enumerate(groups):
            near = (i - 1 in blocked) or (i + 1 in blocked)
            if i not in blocked and near and len(d) == 4 and _YEAR.fullmatch(d):
                blocked.add(i)
    return blocked


def _scan_number(
    text: str, folded: str, start: int, end: int, wanted: frozenset[str], out: list[Finding]
) -> None:
    if not (
        _PLAIN_RUN.fullmatch(folded, start, end) is not None
        and (start == 0 or folded[start - 1] not in _LOOKALIKE_SET)
    ):
        bounds = _lookalike_bounds(folded, start, end)
        if bounds is None:
            return
        start, end = bounds
    if end - start < 7:
        return
    if start and folded[start - 1] in _TOKEN_CHARS:
        return
    if start > 1 and folded[start - 1] in "-_" and _part_of_code(folded, start):
        return
    if start and folded[start - 1] in "/=?&#:" and _in_url(folded, start):
        return
    raw = folded[start:end]
    # Plain ASCII runs, with or without the X of an ID number, are the common case and
    # skip the character mapping.
    if raw.isdigit() and raw.isascii():
        digits = raw
    elif raw[-1] in "Xx" and raw.isascii() and raw[:-1].isdigit():
        digits = raw[:-1] + "X"
    elif _IPV4.fullmatch(raw):
        return  # "183.21.246.139" reads as a mobile number once the dots go
    else:
        digits = to_digits(raw)
    if not digits.replace("X", "").isdigit():
        return
    plus = start > 0 and folded[start - 1] == "+"
    # What is said before the number only matters for ten-digit numbers (and pieces).
    labelled = _context(folded, start) if len(digits) == 10 else UNLABELLED
    groups = None
    if not _PLAIN_RUN.fullmatch(raw):
        groups = [(g.start(), g.end(), to_digits(g.group())) for g in _GROUP.finditer(raw)]
        if _DATE_OR_VERSION.search(raw) is not None:
            blocked = _blocked_groups(groups, raw)
            if blocked is None:
                return
            if blocked:
                labelled = _context(folded, start)
                _scan_number_pieces(text, folded, start, raw, groups, blocked, plus, labelled, wanted, out)
                return
    hit = _number_kind(digits, plus, raw, wanted, labelled)
    if hit is not None:
        _add_number(text, folded, start - plus, end, hit, out)
        return
    if digits[-1] == "X":
        # An X closing anything but an ID number is a letter after the number (or an
        # extension: "555-0123x45"); the run was not an ID number, so try a phone.
        raw = raw[:-1].rstrip(" -.")
        digits = to_digits(raw)
        hit = _number_kind(digits, plus, raw, wanted & _PHONE_ONLY, labelled)
        if hit is not None:
            _add_number(text, folded, start - plus, start + len(raw), hit, out)
            return
        if groups is not None:
            groups = [g for g in groups if g[1] <= len(raw)]
    if len(digits) > 11 and groups is not None and len(groups) > 1 and not _id_shaped(digits):
        labelled = _context(folded, start)
        _scan_number_pieces(text, folded, start, raw, groups, set(), plus, labelled, wanted, out)


def _scan_number_pieces(
    text: str,
    folded: str,
    start: int,
    raw: str | None,
    groups: list[tuple[int, int, str]],
    blocked: set[int],
    plus: bool,
    labelled: int,
    wanted: frozenset[str],
    out: list[Finding],
) -> None:
    """The best split of a run into valid numbers, at its visible separators.

    "6222 0212 3456 7890 128 13812345678" is a card and a phone; "2023-11-05 1381…" a
    date and a phone. Best: the most digits covered by valid numbers, then the fewest
    numbers. Dates (``blocked``) are never part of a number.
    """
    count = len(groups)
    # best[i]: (digits covered, -numbers, choices) for groups i..count-1
    best: list[tuple[int, int, list[tuple[int, int, tuple[str, str, float, str]]]]] = [(0, 0, [])] * (count + 1)
    for i in range(count - 1, -1, -1):
        choice = best[i + 1]
        size = 0
        for j in range(i + 1, count + 1):
            if j - 1 in blocked:
                break
            size += len(groups[j - 1][2])
            if size > _MAX_PIECE_DIGITS:
                break
            if size < 7:
                continue
            lo, hi = groups[i][0], groups[j - 1][1]
            digits = "".join(g[2] for g in groups[i:j])
            piece = raw[lo:hi] if raw is not None else None  # None: spelled out
            hit = _number_kind(digits, plus and i == 0, piece, wanted, labelled)
            if hit is None:
                continue
            rest = best[j]
            candidate = (size + rest[0], rest[1] - 1, [(i, j, hit), *rest[2]])
            if candidate[:2] > choice[:2]:
                choice = candidate
        best[i] = choice
    for i, j, hit in best[0][2]:
        with_plus = plus and i == 0
        _add_number(text, folded, start + groups[i][0] - with_plus, start + groups[j - 1][1], hit, out)


_CLOSING_BRACKET = re.compile("[)）]")
_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")


def _add_number(
    text: str, folded: str, start: int, end: int, hit: tuple[str, str, float, str], out: list[Finding]
) -> None:
    kind, normalized, confidence, rule = hit
    if kind != "id_number" and _labelled_as_reference(folded, start):
        return
    if kind == "phone":
        if start and folded[start - 1] in "(（" and _CLOSING_BRACKET.search(folded, start, end):
            start -= 1  # "(010) 8888 6666", "(+86) 138…": the bracket belongs to the number
        extension = _PHONE_EXTENSION.match(folded, end)
        if extension is not None:
            end = extension.end()
    value = text[start:end]
    obfuscated = not _PLAIN_NUMBER_CHARS.issuperset(value)
    out.append(Finding(kind, start, end, value, normalized, confidence, rule, obfuscated))


# Digits spelled out in English ("one three eight ...", "five oh eight"), mixed with
# figures or not.
_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_WORD = "(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
_DIGIT_WORDS_LOWER = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


_LATIN_WORD = re.compile("[A-Za-z]{2}")


def _may_spell_digits(folded: str) -> bool:
    """A cheap test before the spelled-digit pass: three different digit words present.

    Substring tests are far cheaper than a case-blind regex search; a spelled number of
    seven or more digits uses at least three different words.
    """
    if _LATIN_WORD.search(folded) is None:
        return False
    present = 0
    for word in _DIGIT_WORDS_LOWER:
        if word in folded:
            present += 1
            if present == 3:
                return True
    # "Five oh eight ..." or in capitals: only worth a look when some words are there.
    if present:
        for word in _DIGIT_WORDS_LOWER:
            if word.capitalize() in folded or word.upper() in folded:
                present += 1
                if present == 3:
                    return True
    return False
_SPELLED_RUN = re.compile(
    rf"(?<![A-Za-z])(?:{_WORD}|[0-9]{{1,4}})(?:[ \t,.\-]{{1,3}}(?:{_WORD}|[0-9]{{1,4}})){{4,}}(?![A-Za-z])",
    re.IGNORECASE,
)
_SPELLED_TOKEN = re.compile(rf"{_WORD}|[0-9]+", re.IGNORECASE)


def _scan_spelled(text: str, folded: str, wanted: frozenset[str], out: list[Finding]) -> None:
    for m in _SPELLED_RUN.finditer(folded):
        tokens = _SPELLED_TOKEN.findall(m.group())
        words = sum(1 for t in tokens if not t[0].isdigit())
        if words < 3:
            continue
        digits = "".join(_DIGIT_WORDS.get(t.lower(), t) for t in tokens)
        plus = m.start() > 0 and folded[m.start() - 1] == "+"
        hit = _number_kind(digits, plus, None, wanted, LABELLED)
        if hit is not None:
            kind, normalized, confidence, rule = hit
            start = m.start() - plus
            out.append(Finding(kind, start, m.end(), text[start : m.end()], normalized, 0.85, rule, True))
        elif len(digits) > 11:
            # Spelled digits run on into another number ("… four six 19328278544").
            groups = [
                (t.start(), t.end(), _DIGIT_WORDS.get(t.group().lower(), t.group()))
                for t in _SPELLED_TOKEN.finditer(m.group())
            ]
            _scan_number_pieces(text, folded, m.start(), None, groups, set(), plus, LABELLED, wanted, out)


# ---------------------------------------------------------------------------
# Public API.


def scan(
    text: str,
    *,
    protected_names: Sequence[str] | NameIndex = (),
    kinds: Collection[str] | None = None,
) -> list[Finding]:
    """All personal information found in ``text``, sorted by start offset.

    ``protected_names``: names of persons under protection (or their ``NameIndex``),
    matched in any case and through spaces, dots, zero-width characters and look-alike
    letters slipped into them. ``kinds``: restrict the search to these kinds (all of
    ``KINDS`` by default).
    """
    wanted = _ALL_KINDS if kinds is None else _wanted_kinds(kinds)
    folded = fold(text)
    findings: list[Finding] = []
    want_numbers = not wanted.isdisjoint(_NUMBER_KINDS)
    want_address = "address" in wanted
    cn_done = 0
    ats: list[tuple[int, int, str]] = []
    # One pass with finditer; a new iterator only where the scan must look again inside
    # what a match consumed (a house number at the end of a run or among street words).
    matches = _SCAN.finditer(folded)
    while (m := next(matches, None)) is not None:
        group = m.lastgroup
        start, end = m.span()
        if group == "num":
            if want_numbers:
                before = len(findings)
                _scan_number(text, folded, start, end, wanted, findings)
                used = findings[-1].end if len(findings) > before else start
            else:
                used = start
            if want_address:
                # A run may end in the house number of an address that follows it
                # ("…5583 4766 Carroll Turnpike"): scan on from that number. A house
                # number may also have been read with the look-alike letters of the
                # street's name ("20304 ol|iver underpass"): try the street here.
                again = _house_number_at_end(folded, used, end)
                if again is None and used == start and _HAS_LOOKALIKE.search(folded, start, end):
                    words = _EN_ADDRESS_WORDS.match(folded, start)
                    found = addresses.en_street(folded, start, words.end()) if words else None
                    if found is not None:
                        _add_address(text, found, findings)
                        again = found[1]
                if again is not None:
                    matches = _SCAN.finditer(folded, again)
        elif group == "plate":
            if "licence_plate" in wanted:
                value = text[start:end]
                normalized = _plate_normalized(folded[start:end])
                if normalized is not None:
                    findings.append(
                        Finding(
                            "licence_plate", start, end, value, normalized, 0.85,
                            "licence_plate.ga36", value != folded[start:end],
                        )
                    )  # fmt: skip
        elif group == "en_addr":
            if want_address:
                found = addresses.en_street(folded, start, end)
                if found is not None:
                    _add_address(text, found, findings)
                # The words matched may hold the next house number ("… Suite 948. 944 …").
                again = found[1] if found is not None else _next_digit(folded, start + 1, end)
                if again is not None and again < end:
                    matches = _SCAN.finditer(folded, again)
        elif group == "cn_unit":
            if want_address and start >= cn_done:
                found = addresses.cn_address_at(folded, start)
                if found is not None:
                    _add_address(text, found, findings)
                    cn_done = found[1]
        else:  # an at sign
            ats.append((start, end, m.group()))
    if want_numbers and _may_spell_digits(folded):
        _scan_spelled(text, folded, wanted, findings)
    emails: list[Finding] = []
    _scan_emails(text, folded, ats, emails)
    if want_address:
        _scan_addresses(text, folded, findings)
    if emails:
        # Numbers and words inside an address are its local part, not findings.
        findings = [f for f in findings if not any(e.start < f.end and f.start < e.end for e in emails)]
        if "email" in wanted:
            findings.extend(emails)
    if protected_names and "protected_name" in wanted:
        index = protected_names if isinstance(protected_names, NameIndex) else name_index(protected_names)
        index.find(text, folded, findings)
    if len(findings) > 1:
        findings.sort(key=_POSITION)
        if want_address:
            findings = _merge_touching_addresses(text, findings)
    return findings


def normalize_value(kind: str, raw: str) -> str | None:
    """Canonical form of ``raw`` as a value of ``kind``; None when it is not one.

    ID numbers: 18 characters, upper-case X. Phones: E.164 (national forms are read as
    mainland numbers). Cards: digits only. E-mail: lower case. Plates: without
    separators. Addresses: NFKC, zero-width characters and gaps between Chinese
    characters removed, whitespace collapsed, case-folded. Names: folded, lower case,
    without spaces or dots. All obfuscations ``scan`` sees through are undone here too.
    """
    if kind in _NUMBER_KINDS:
        text = fold(raw).strip().lstrip("(（")
        extension = re.search(r"(?<=[0-9])[ \t]?(?:x|ext\.?|extension)[ \t]?[0-9]{1,5}$", text, re.IGNORECASE)
        if kind == "phone" and extension is not None:
            text = text[: extension.start()]
        plus = text[:1] == "+"
        if plus:
            text = text[1:]
        shape: str | None = text
        if _SPELLED_RUN.fullmatch(text) is not None:
            digits = "".join(_DIGIT_WORDS.get(t.lower(), t) for t in _SPELLED_TOKEN.findall(text))
            shape = None  # spelled out: written as a number on purpose
        else:
            digits = to_digits(text)
        if not digits or not digits.isascii() or not digits.rstrip("X").isdigit():
            return None
        if kind == "id_number":
            return digits if not plus and _valid_id_number(digits) else None
        if kind == "bank_card":
            return digits if not plus and digits.isdigit() and _valid_card(digits) else None
        hit = _phone(digits, plus, shape, LABELLED)
        return hit[0] if hit else None
    if kind == "email":
        return _email_normalized(raw)
    if kind == "licence_plate":
        return _plate_normalized(fold(raw).strip())
    if kind == "address":
        return _address_normalized(raw)
    if kind == "protected_name":
        return _name_key(raw)
    raise ValueError(f"unknown kind of personal information: {kind!r}")


# ---------------------------------------------------------------------------
# Helpers of scan.


def _wanted_kinds(kinds: Collection[str]) -> frozenset[str]:
    wanted = frozenset(kinds)
    unknown = wanted - _ALL_KINDS
    if unknown:
        raise ValueError(f"unknown kinds of personal information: {sorted(unknown)}")
    return wanted


_POSITION = operator.attrgetter("start", "end")


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_GAP_CHAR = re.compile("[ ·\u200b-\u200d\u2060\ufeff]")
_GAP_BETWEEN_CJK = re.compile(r"(?<=[\u3400-\u9fff0-9])[ ·\u200b-\u200d\u2060\ufeff]+(?=[\u3400-\u9fff0-9])")


def _address_normalized(raw: str) -> str | None:
    folded = fold_text(fold(raw))
    if not folded.isascii() and _GAP_CHAR.search(folded) is not None:
        folded = _GAP_BETWEEN_CJK.sub("", folded)
    return folded if _LETTER_OR_DIGIT.search(folded) is not None else None


def _scan_addresses(text: str, folded: str, out: list[Finding]) -> None:
    """The address passes the main scan does not do: spaced-out Chinese addresses, PO
    boxes and military addresses."""
    if not folded.isascii():
        for compact, offsets in addresses.spaced_runs(folded):
            for start, end, confidence, rule in addresses.cn_addresses(compact):
                mapped = (offsets[start], offsets[end - 1] + 1, confidence, rule)
                _add_address(text, mapped, out, obfuscated=True)
    if "ox" in folded or "OX" in folded or "PO " in folded or "po " in folded:
        for found in addresses.en_boxes(folded):
            _add_address(text, found, out)


def _add_address(
    text: str, found: tuple[int, int, float, str], out: list[Finding], obfuscated: bool = False
) -> None:
    start, end, confidence, rule = found
    value = text[start:end]
    normalized = _address_normalized(value)
    if normalized is not None:
        out.append(Finding("address", start, end, value, normalized, confidence, rule, obfuscated))


_GAPS_ONLY = re.compile("[ \u3000·\u200b-\u200d\u2060\ufeff]+")


def _merge_touching_addresses(text: str, findings: list[Finding]) -> list[Finding]:
    """One address found as touching or overlapping parts ("建国路88号阳光小区5栋") is
    one finding.

    ``findings`` is sorted by start. Spans are merged first and each merged address is
    built once, so a post of many touching addresses still costs linear time.
    """
    found = [f for f in findings if f.type == "address"]
    if len(found) < 2:
        return findings
    groups: list[list[Finding]] = [[found[0]]]
    group_end = found[0].end
    for finding in found[1:]:
        if finding.start <= group_end or (
            finding.start - group_end <= 2 and _GAPS_ONLY.fullmatch(text, group_end, finding.start)
        ):
            groups[-1].append(finding)
            group_end = max(group_end, finding.end)
        else:
            groups.append([finding])
            group_end = finding.end
    if len(groups) == len(found):
        return findings
    merged = [f for f in findings if f.type != "address"]
    for group in groups:
        if len(group) == 1:
            merged.append(group[0])
            continue
        start, end = group[0].start, max(f.end for f in group)
        value = text[start:end]
        normalized = _address_normalized(value) or group[0].normalized
        best = max(group, key=lambda f: f.confidence)
        obfuscated = any(f.obfuscated for f in group)
        merged.append(Finding("address", start, end, value, normalized, best.confidence, best.rule, obfuscated))
    merged.sort(key=_POSITION)
    return merged
