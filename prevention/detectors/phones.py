"""Phone numbers: mainland, North American and international, checked against
libphonenumber's numbering plans."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

from prevention.detectors.chars import ASCII_DIGIT_GROUP, LOOKALIKE_CHARS, PLAIN_NUMBER_CHARS
from prevention.detectors.normalize import (
    DIGIT_EQUIVALENTS,
    DIGIT_LOOKALIKES,
    char_class,
)

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


def reaches_a_person(country_code: int, national: str) -> bool:
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
    return "+1" + national if reaches_a_person(1, national) else None


def _valid_e164(country_code: int, national: str) -> str | None:
    if country_code == 1:
        return _nanp_e164(national, shaped_is_enough=True)
    if not 4 <= len(national) <= 14 or not reaches_a_person(country_code, national):
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
    return tuple(len(g) for g in ASCII_DIGIT_GROUP.findall(to_digits_keep_gaps(raw)))


_GAPS_KEPT = {ord(k): ord(v) for k, v in {**DIGIT_EQUIVALENTS, **DIGIT_LOOKALIKES}.items()}


_LOOKALIKE = re.compile(char_class(LOOKALIKE_CHARS))


def to_digits_keep_gaps(raw: str) -> str:
    if raw.isascii() and _LOOKALIKE.search(raw) is None:
        return raw
    return raw.translate(_GAPS_KEPT)


# What is said before a number: a phone label, nothing in English prose, nothing in
# Chinese prose (where a bare ten-digit number is a date, a code or a reference).
LABELLED, UNLABELLED, IN_CHINESE = 2, 1, 0
CJK = re.compile("[\u3400-\u9fff]")


# An extension after a phone number ("555-0123 x45") belongs to it.
PHONE_EXTENSION = re.compile(r"[ \t]?(?:x|ext\.?|extension)[ \t]?[0-9]{1,5}(?![0-9])", re.IGNORECASE)


def phone(digits: str, plus: bool, raw: str | None, labelled: int) -> tuple[str, str] | None:
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
            or not PLAIN_NUMBER_CHARS.issuperset(raw)
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
