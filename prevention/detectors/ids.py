"""Resident ID numbers (GB 11643-1999): shape, birth date and check character."""

from __future__ import annotations

import operator
from datetime import date

from prevention.detectors.cn_regions import (
    ID_PROVINCE_PREFIXES,
)

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


def id_shaped(chars: str) -> bool:
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


def valid_id_number(chars: str) -> bool:
    """``chars``: 18 characters, ASCII digits with an optional final ``X``."""
    if not id_shaped(chars):
        return False
    body = chars[:17]
    total = sum(map(operator.mul, _ID_WEIGHTS, body.encode())) - _ID_CODE_OFFSET
    return _ID_CHECK_CHARS[total % 11] == chars[17]
