"""The judge: a value is planted only when it is a valid value of its kind (python-stdnum,
libphonenumber)."""

from __future__ import annotations

import re
from collections.abc import Callable

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric

_PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)


def valid_id_number(value: str) -> bool:
    # python-stdnum also checks the county code against its own table, which lags
    # behind the codes in use; the check character and the birth date are what make a
    # number an ID number, so those are what is checked.
    if len(value) != 18 or value[:2] not in _PROVINCE_CODES:
        return False
    try:
        ric.get_birth_date(value)
    except Exception:
        return False
    return ric.calc_check_digit(value) == value[-1].upper()


def valid_card(value: str) -> bool:
    return value.isdigit() and 12 <= len(value) <= 19 and luhn.is_valid(value)


# Toll-free codes, premium 900 and the unassigned service codes N00.
_NANP_BUSINESS = frozenset({"800", "833", "844", "855", "866", "877", "888", "900", "200", "300", "400", "700"})


def valid_phone(e164: str) -> bool:
    if e164.startswith("+1"):
        # Faker's North American numbers follow the numbering plan's shape (NXX-NXX-XXXX)
        # but are often in unassigned area codes; a person's number is what they are
        # meant as, so the shape is the test. Toll-free and premium codes are business
        # numbers, not planted.
        national = e164[2:]
        return (
            re.fullmatch(r"[2-9][0-8][0-9][2-9][0-9]{6}", national) is not None
            and national[:3] not in _NANP_BUSINESS
            and national[1:3] != "11"
            and national[4:6] != "11"
        )
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


_EMAIL = re.compile(r"[a-z0-9][a-z0-9._+\-]*@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}")
_PLATE = re.compile(
    "[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]"
    "(?:[A-HJ-NP-Z0-9]{5}|[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF])"
)

_CHECKS: dict[str, Callable[[str], bool]] = {
    "id_number": valid_id_number,
    "phone": valid_phone,
    "bank_card": valid_card,
    "email": lambda v: _EMAIL.fullmatch(v) is not None,
    "licence_plate": lambda v: _PLATE.fullmatch(v) is not None,
    "address": lambda v: bool(v.strip()),
    "protected_name": lambda v: bool(v.strip()),
}


def judge(kind: str, normalized: str) -> bool:
    """Whether ``normalized`` is a valid value of ``kind``: the corpus's only test."""
    return _CHECKS[kind](normalized)

