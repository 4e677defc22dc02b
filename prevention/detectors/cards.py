"""Bank cards: the card networks' number ranges and lengths, and the Luhn digit."""

from __future__ import annotations

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
    5018, 5020, 5038, 5893, 6304, 6759, 6761-6763 and the older 0604 and 6390 (12-19, as
    card-number generators such as Faker's still issue them); Mir 2200-2204 (16-19); Troy
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
    if digits.startswith("0604"):
        return 12 <= n <= 19
    if 2200 <= four <= 2204:
        return 16 <= n <= 19
    if four == 9792:
        return n == 16
    if four == 9558:
        return n == 19
    return False


def valid_card(digits: str) -> bool:
    return 12 <= len(digits) <= 19 and _plausible_card_prefix(digits) and _luhn_ok(digits)
