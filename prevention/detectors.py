"""Detectors for personal information in posts: a pure module, no Django, no database.

``scan`` finds resident ID numbers, phone numbers, bank cards, e-mail addresses, licence
plates, street addresses and the names of protected persons. ``normalize_value`` gives
the canonical form of one value, the form staydown fingerprints are computed from; a
finding's ``normalized`` is always ``normalize_value(finding.type, finding.value)``.

How it stays fast: one compiled expression runs over the original text. Every
alternative starts by consuming a character from one shared class, so the regex engine
skips ordinary prose in its tight scanning loop and only stops at digits (in any of the
forms doxxers type them, house numbers included), the province characters of plates
and the at sign.
The digit classes already include full-width digits, Chinese numerals and the
separators people put between digits, so the text is never rewritten and no offset map
is needed: a match's offsets are offsets into the original text. Only the short
candidate spans are normalised and then validated (check characters, dates, numbering
plans, Luhn), which is what keeps look-alikes such as order numbers quiet.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

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
    DIGIT_SEPARATORS,
    ZERO_WIDTH,
    char_class,
    fold_text,
    strip_zero_width,
    to_digits,
)

__all__ = ["KINDS", "Finding", "normalize_value", "scan"]

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


@dataclass(frozen=True, slots=True)
class Finding:
    type: str
    start: int  # offsets into the original text, end exclusive
    end: int
    value: str  # text[start:end]
    normalized: str  # the kind's canonical form, see normalize_value
    confidence: float  # 0..1


# ---------------------------------------------------------------------------
# Character classes shared by the scanning expression and the validators.

_DIGIT_CHARS = "".join(DIGIT_EQUIVALENTS)
_D = char_class(_DIGIT_CHARS)
_SEP = char_class(DIGIT_SEPARATORS)
_X = char_class(CHECK_X)
_ZW = char_class(ZERO_WIDTH)

# Last characters of a street, lane, village or estate name ("建国路", "阳光小区",
# "幸福花园"); a house or building number right after one of them anchors an address.
_STREET_END = "路街道巷弄同村里区园苑厦寓城湾府庭居"
# Numbers on houses are also written in Chinese numerals with 十 and 百 ("八十八号").
_HOUSE_NO_CHARS = _DIGIT_CHARS + "十百两"
_HOUSE_NO = char_class(_HOUSE_NO_CHARS)
_HOUSE_UNIT = "号楼|号院|号|號|弄|栋|棟|幢|座|组"  # 组: a village's group ("王家村3组")
_ROOM_UNIT = "号楼|号院|号|號|栋|棟|幢|座|单元|單元|楼|樓|层|層|室|房|户|弄|巷|组"

_EN_STREET_TYPES = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|"
    "Place|Pl|Terrace|Close|Crescent|Square|Sq|Highway|Hwy|Parkway|Pkwy|Row|Mews|Gardens"
)
_EN_STREET_TYPES_ANY_CASE = "|".join(
    f"[{w[0]}{w[0].lower()}]{w[1:]}" for w in _EN_STREET_TYPES.split("|")
)

_PLATE_CHAR = "[A-HJ-NP-Za-hj-np-z0-9Ａ-Ｈ\uff2a-\uff2e\uff30-\uff3a０-９]"
_PLATE_GAP = char_class(" ·•・.-\u00a0" + ZERO_WIDTH)

# The one class every alternative starts with; see the module docstring.
# Addresses are anchored on their house number rather than on the street suffix before
# it: suffixes such as 道, 里 and 区 are common in prose, digits are not.
_FIRST = char_class(_DIGIT_CHARS + "十" + PLATE_PROVINCES + "@＠([（")

_SCAN = re.compile(
    _FIRST + "(?:"
    # "@" of an e-mail address; the address is grown around it afterwards.
    r"(?<=[@＠])(?P<at>)"
    r"|(?<=[(\[（])(?P<at_word> ?(?:at|AT) ?[)\]）])"
    # A run of at least seven digits with separators between them, optionally closed
    # by the X check character of an ID number (but not by a word starting with x).
    rf"|(?<={_D})(?P<num>(?:{_SEP}{{0,3}}{_D}){{6,}}(?:{_SEP}{{0,3}}{_X}(?![A-Za-z]))?)"
    rf"|(?<={char_class(PLATE_PROVINCES)})(?P<plate>{_PLATE_GAP}?[A-HJ-NP-Za-hj-np-zＡ-Ｚ]"
    rf"{_PLATE_GAP}?(?:{_PLATE_CHAR}{_ZW}?){{4,5}}(?:{_PLATE_CHAR}|[{PLATE_SUFFIXES}])"
    r"(?![A-Za-z0-9Ａ-Ｚａ-ｚ０-９]))"
    rf"|(?<={char_class(_STREET_END)}{_HOUSE_NO})(?P<cn_addr>{_HOUSE_NO}{{0,5}}(?:{_HOUSE_UNIT}))"
    r"|(?<=[0-9])(?P<en_addr>[0-9]{0,4}[A-Za-z]?[ \t]+(?:[A-Z][A-Za-z'’-]+[ \t]+){1,3}"
    rf"(?:{_EN_STREET_TYPES_ANY_CASE})\b\.?)"
    ")"
)

# Characters that make a digit run part of a longer token (hashes, tracking codes such
# as "SF1234567890123", URLs' query strings).
_TOKEN_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
    "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"
)
# Pieces of a digit run between whitespace or slashes ("13812345678/13987654321");
# zero-width characters, dashes and dots are taken as obfuscation or grouping inside
# one number, never as a boundary.
_RUN_PIECE = re.compile(rf"{_D}(?:[^\s/／]*{_D})?")
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
    """Issuer identification ranges and lengths of the networks seen on cards in China.

    Source: the networks' published IIN ranges (ISO/IEC 7812 issuer identification
    numbers) - Visa 4; Mastercard 51-55 and 2221-2720; American Express 34, 37;
    JCB 3528-3589; Diners Club 300-305, 36, 38, 39; UnionPay 62 and 81; Discover 6011,
    644-649, 65; Maestro 50, 56-58, 63, 67; Mir 2200-2204; and ICBC's legacy domestic
    debit range 9558.
    """
    n = len(digits)
    first = digits[0]
    if first == "4":
        return n in (13, 16, 19)
    two = int(digits[:2])
    four = int(digits[:4])
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return n == 16
    if two in (34, 37):
        return n == 15
    if two in (62, 81) or 3528 <= four <= 3589 or four == 6011 or two == 65:
        return 16 <= n <= 19
    if 644 <= int(digits[:3]) <= 649:
        return 16 <= n <= 19
    if two in (36, 38, 39) or 300 <= int(digits[:3]) <= 305:
        return 14 <= n <= 19
    if two in (50, 56, 57, 58, 63, 67):
        return 13 <= n <= 19
    if 2200 <= four <= 2204:
        return 16 <= n <= 19
    if four == 9558:
        return n == 19
    return False


def _valid_card(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and _plausible_card_prefix(digits) and _luhn_ok(digits)


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


def _valid_e164(country_code: int, national: str) -> str | None:
    if not 4 <= len(national) <= 14 or not _reaches_a_person(country_code, national):
        return None
    return f"+{country_code}{national}"


def _international_e164(digits: str) -> str | None:
    """``digits``: country code and national number, without "+" or "00"."""
    if not 8 <= len(digits) <= 15:
        return None
    if digits.startswith("86") and _CN_MOBILE.fullmatch(digits, 2):
        return "+" + digits
    # Country codes are prefix-free, so at most one of these lengths names a country.
    for length in (1, 2, 3):
        country_code = int(digits[:length])
        if country_code in COUNTRY_CODE_TO_REGION_CODE:
            national = digits[length:]
            e164 = _valid_e164(country_code, national)
            if e164 is None and national.startswith("0"):
                # "+44 (0)20 ...": the trunk prefix written after the country code.
                e164 = _valid_e164(country_code, national[1:])
            return e164
    return None


def _grouped_like_nanp(raw: str) -> bool:
    """North American numbers are only taken when written in their 3-3-4 grouping.

    A bare ten-digit run is far more often a timestamp or a reference number.
    """
    ascii_digits = raw if raw.isascii() else _digits_keep_gaps(raw)
    groups = tuple(len(g) for g in _ASCII_DIGIT_GROUP.findall(ascii_digits))
    return groups in ((3, 3, 4), (1, 3, 3, 4))


_GAPS_KEPT = {ord(k): ord(v) for k, v in DIGIT_EQUIVALENTS.items()}


def _digits_keep_gaps(raw: str) -> str:
    return raw.translate(_GAPS_KEPT)


def _phone_e164(digits: str, plus: bool, raw: str) -> str | None:
    """E.164 form of a digit run, or None when it is no callable number.

    National forms are read as mainland numbers: mobiles (11 digits starting with 1)
    and landlines with the trunk prefix 0. A landline without its 0 is not accepted,
    because eight to ten bare digits are usually dates, timestamps or references.
    """
    n = len(digits)
    if not digits.isdigit() or n < 7:
        return None
    if plus:
        return _international_e164(digits)
    if digits.startswith("00"):
        return _international_e164(digits[2:])
    if n == 11 and digits[0] == "1":
        if _CN_MOBILE.fullmatch(digits):
            return "+86" + digits
        if _grouped_like_nanp(raw):
            return _valid_e164(1, digits[1:])
        return None
    if n == 13 and digits.startswith("86") and _CN_MOBILE.fullmatch(digits, 2):
        return "+" + digits
    if digits[0] == "0" and 10 <= n <= 12:
        return _valid_e164(86, digits[1:])
    if n == 10 and _grouped_like_nanp(raw):
        return _valid_e164(1, digits)
    return None


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
    "transaction shipment booking".split()
)
_CONTACT_WORDS = _keyword_pattern(
    "电话 手机 联系 致电 打给 卡号 银行卡 账号 帐号 信用卡 储蓄卡 "
    "phone mobile tel call text whatsapp card account".split()
)


# A label only speaks for the number in its own clause: "运单号：9540…，138…" labels
# the first number, not the second.
_CLAUSE_BREAK = re.compile(r"[，,;；。!！?？\n]|\.\s+[A-Z]")


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

# Matched on the reversed text left of the at sign: one greedy match, no search.
_EMAIL_LOCAL_REVERSED = re.compile(rf" ?[A-Za-z0-9._%+\-Ａ-Ｚａ-ｚ０-９{ZERO_WIDTH}]{{1,64}}")
_EMAIL_LABEL = rf"[A-Za-z0-9\-Ａ-Ｚａ-ｚ０-９{ZERO_WIDTH}]+"
_EMAIL_DOT = r"(?:[.．。]| ?[(\[（](?:dot|DOT)[)\]）] ?)"
_EMAIL_DOMAIN = re.compile(rf" ?{_EMAIL_LABEL}(?:{_EMAIL_DOT}{_EMAIL_LABEL})+")
_EMAIL_DOT_RE = re.compile(_EMAIL_DOT)
# "。" is also the Chinese full stop: "…@example.org。email: …" must stop at it. After a
# "。" only these common top-level domains continue an address ("example。com").
_IDEOGRAPHIC_DOT_LABEL = re.compile(
    r"。[\u200b-\u200d\u2060\ufeff]*(?!(?:com|net|org|cn|edu|gov|info|io|co|me|hk|tw|mo|uk|"
    r"us|jp|kr|de|fr|ru|sg|au|ca|top|xyz|vip|cc|tv)\b)",
    re.IGNORECASE,
)
_EMAIL_OBFUSCATED_AT = re.compile(r" ?(?:[(\[（](?:at|AT)[)\]）]|[@＠]) ?")
_EMAIL_OBFUSCATED_DOT = re.compile(r" ?(?:[(\[（](?:dot|DOT)[)\]）]|[．。]) ?")
_EMAIL_CANONICAL = re.compile(
    r"[a-z0-9](?:[a-z0-9._%+\-]{0,62}[a-z0-9_%+\-])?@"
    r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}"
)
_EDGE_JUNK = "._%+-" + ZERO_WIDTH
# What may follow the local part of an address: the at sign, written in any way.
_EMAIL_AT_AHEAD = re.compile(rf"{_ZW}* ?(?:[@＠]|[(\[（](?:at|AT)[)\]）])")
_EMAIL_AT_FIRST = frozenset("@＠ ([（" + ZERO_WIDTH)


def _email_normalized(raw: str) -> str | None:
    text = raw.strip().lower()
    if not text.isascii() or not text.isprintable() or " " in text or "[" in text or "(" in text:
        text = unicodedata.normalize("NFKC", strip_zero_width(raw))
        text = _EMAIL_OBFUSCATED_AT.sub("@", text, count=1)
        text = _EMAIL_OBFUSCATED_DOT.sub(".", text).strip().lower()
    if text.count("@") != 1 or ".." in text or not _EMAIL_CANONICAL.fullmatch(text):
        return None
    return text


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
# Street addresses.

_ADMIN_SUFFIXES = "省市区县旗镇乡"
_ADMIN_SUFFIX = re.compile(char_class(_ADMIN_SUFFIXES))
# Words that end the place name to the left of an address ("他家住在北京市…"): verbs,
# pronouns and particles that do not occur inside place names.
_ADDRESS_STOPS = (
    "在住于址是的到去与及或就也还又把被给让对说看叫有没不这那个们我你他她它为要能从离了吗呢吧啊呀现"
)


def _cjk_class_without(excluded: str) -> str:
    """A class of the CJK unified ideographs minus ``excluded``, as ranges."""
    parts = []
    low = 0x4E00
    for cp in sorted({ord(c) for c in excluded if 0x4E00 <= ord(c) <= 0x9FFF}):
        if cp > low:
            parts.append(f"{chr(low)}-{chr(cp - 1)}" if cp - 1 > low else chr(low))
        low = cp + 1
    if low <= 0x9FFF:
        parts.append(f"{chr(low)}-{chr(0x9FFF)}")
    return "[" + "".join(parts) + "]"


_PLACE_CHAR = _cjk_class_without(_ADMIN_SUFFIXES + _ADDRESS_STOPS + "号號栋棟幢室")
# Matched on the reversed text just left of the street suffix, so that greedy matching
# grows the address leftwards: the street's name, then up to four administrative levels
# (district, city, province ...), each a name followed by its suffix.
_ADDRESS_LEFT_REVERSED = re.compile(
    rf"{_PLACE_CHAR}{{1,6}}(?:[{_ADMIN_SUFFIXES}]{_PLACE_CHAR}{{1,5}}){{0,4}}"
)
_ADDRESS_LEFT_WINDOW = 40
_CN_ADDRESS_TAIL = re.compile(
    rf"(?:[ \-－]?(?:{_HOUSE_NO}{{1,5}}(?:[\-－]{_HOUSE_NO}{{1,5}}){{1,3}}(?:室|号|號)?"
    rf"|(?:{_HOUSE_NO}{{1,5}}|[A-Za-zＡ-Ｚ])(?:{_ROOM_UNIT})))+"
)
# Suffixes that name a street or an estate on their own; "道", "里", "城" and the like
# also end ordinary words ("知道", "邻里"), so they need further evidence.
_STRONG_STREET_ENDS = frozenset("路街巷弄村")
_STRONG_STREET_WORDS = frozenset(("胡同", "小区", "花园", "家园", "大厦", "公寓", "大道", "社区"))
_BUILDING_UNITS = frozenset(("号楼", "号院", "栋", "棟", "幢", "座"))

_EN_UNIT_BEFORE = re.compile(
    r"(?:Flat|Apt\.?|Apartment|Unit|Suite|Room)[ \t]*#?[A-Za-z0-9\-]{1,5},?[ \t]*\Z"
)
_EN_ADDRESS_TAIL = re.compile(
    r"(?:,?[ \t]*(?:Apt\.?|Apartment|Unit|Flat|Suite|Ste\.?|#)[ \t]*#?[A-Za-z0-9\-]{1,5}\b)?"
    r"(?:,[ \t]*(?:[A-Z][a-z]+[ \t]?){1,3},?[ \t]*"
    r"(?:[A-Z]{2}[ \t]+\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2})\b)?"
)


def _cn_address(text: str, suffix_at: int, anchor_end: int) -> tuple[int, int, float] | None:
    """Grow an anchor such as "路88号" into the whole address, or reject it.

    ``suffix_at`` is the offset of the street suffix character, ``anchor_end`` the end
    of the house number and its unit.
    """
    low = max(0, suffix_at - _ADDRESS_LEFT_WINDOW)
    left = _ADDRESS_LEFT_REVERSED.match(text[low:suffix_at][::-1])
    if left is None:
        return None
    start = suffix_at - left.end()
    has_admin_level = _ADMIN_SUFFIX.search(left.group()) is not None
    tail = _CN_ADDRESS_TAIL.match(text, anchor_end)
    end = tail.end() if tail else anchor_end
    unit = text[suffix_at + 1 : anchor_end].lstrip(_HOUSE_NO_CHARS)
    strong_street = (
        text[suffix_at] in _STRONG_STREET_ENDS
        or text[suffix_at - 1 : suffix_at + 1] in _STRONG_STREET_WORDS
    )
    evidence = strong_street + has_admin_level + (tail is not None) + (unit in _BUILDING_UNITS)
    if evidence == 0:
        return None
    return start, end, (0.65, 0.75, 0.85, 0.95)[evidence - 1]


def _en_address(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    if start and text[start - 1] in _TOKEN_CHARS:
        return None
    before = _EN_UNIT_BEFORE.search(text, max(0, start - 24), start)
    if before is not None:
        start = before.start()
    tail = _EN_ADDRESS_TAIL.match(text, end)
    if tail is not None and tail.end() > end:
        return start, tail.end(), 0.85
    return start, end, 0.75


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def _address_normalized(raw: str) -> str | None:
    folded = fold_text(raw)
    return folded if _LETTER_OR_DIGIT.search(folded) is not None else None


# ---------------------------------------------------------------------------
# Protected persons' names.

# Between the characters of a protected name people slip spaces, middle dots or
# zero-width characters ("张 三", "张·三").
_NAME_GAP = r"[\s·•・" + ZERO_WIDTH + r"]{0,2}"


@lru_cache(maxsize=256)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    alternatives = []
    # Names are matched in their canonical form, so "王 小明" given by the caller also
    # finds "王小明" in a post; longer names first, so a full name wins over a part.
    canonical = {_name_normalized(n) for n in names if n}
    for name in sorted(filter(None, canonical), key=len, reverse=True):
        parts = []
        for word in name.split(" "):
            parts.append(_NAME_GAP.join(re.escape(c) for c in word))
        body = (r"[\s" + ZERO_WIDTH + r"]+").join(parts)
        if name[0].isascii() and name[0].isalpha():
            body = rf"(?<![A-Za-z]){body}"
        if name[-1].isascii() and name[-1].isalpha():
            body = rf"{body}(?![A-Za-z])"
        alternatives.append(body)
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


# Spaces inside a Chinese name are obfuscation ("王 小明"); between Latin names they
# are the separator ("john smith").
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")


def _name_normalized(raw: str) -> str | None:
    folded = fold_text(raw.replace("·", " ").replace("•", " ").replace("・", " "))
    folded = _SPACE_BETWEEN_CJK.sub("", " ".join(folded.split()))
    return folded or None


# ---------------------------------------------------------------------------
# Digit runs: ID numbers, cards, phones.

# Pieces of a run that failed as a whole ("2023-11-05 13812345678") are only taken
# as phone or ID numbers: a piece passing Luhn is too often chance.
_MAX_PIECE_GROUPS = 6


def _number_kind(
    digits: str, plus: bool, raw: str, wanted: frozenset[str], pieces: bool
) -> tuple[str, str, float] | None:
    """What a digit run is, if anything: (kind, normalized, confidence)."""
    n = len(digits)
    if plus:
        if "phone" in wanted and (e164 := _phone_e164(digits, True, raw)) is not None:
            return "phone", e164, 0.9
        return None
    if n == 18 and "id_number" in wanted and _valid_id_number(digits):
        return "id_number", digits, 0.99
    if digits[-1] == "X":
        return None
    if (
        not pieces
        and 13 <= n <= 19
        and "bank_card" in wanted
        and _valid_card(digits)
        and not (n == 18 and _id_shaped(digits))
    ):
        return "bank_card", digits, 0.9
    if n <= 15 and "phone" in wanted and (e164 := _phone_e164(digits, False, raw)) is not None:
        return "phone", e164, 0.9
    return None


def _scan_number(
    text: str, start: int, end: int, wanted: frozenset[str], out: list[Finding]
) -> None:
    if start and text[start - 1] in _TOKEN_CHARS:
        return
    if end < len(text) and text[end] in _EMAIL_AT_FIRST and _EMAIL_AT_AHEAD.match(text, end):
        return  # the local part of an e-mail address, reported as the address
    raw = text[start:end]
    # Plain ASCII runs, with or without the X of an ID number, are the common case and
    # skip the character mapping.
    if raw.isdigit():
        digits = raw if raw.isascii() else to_digits(raw)
    elif raw[-1] in "Xx" and raw.isascii() and raw[:-1].isdigit():
        digits = raw[:-1] + "X"
    elif _IPV4.fullmatch(raw):
        return  # "183.21.246.139" reads as a mobile number once the dots go
    else:
        digits = to_digits(raw)
    plus = start > 0 and text[start - 1] in "+＋"
    hit = _number_kind(digits, plus, raw, wanted, pieces=False)
    if hit is not None:
        _add_number(text, start - plus, end, hit, out)
        return
    if digits[-1] == "X":
        # An X closing anything but an ID number is a letter after the number; the run
        # was meant as an ID number though, so neither a card nor pieces are tried.
        raw = raw[:-1].rstrip(DIGIT_SEPARATORS)
        digits = digits[:-1]
        hit = _number_kind(digits, plus, raw, wanted & _PHONE_ONLY, pieces=False)
        if hit is not None:
            _add_number(text, start - plus, start + len(raw), hit, out)
        return
    if len(digits) > 11 and not raw.isdigit() and not _id_shaped(digits):
        _scan_number_pieces(text, start, raw, plus, wanted, out)


def _scan_number_pieces(
    text: str, start: int, raw: str, plus: bool, wanted: frozenset[str], out: list[Finding]
) -> None:
    groups = [(g.start(), g.end(), to_digits(g.group())) for g in _RUN_PIECE.finditer(raw)]
    if len(groups) < 2:
        return
    count = len(groups)
    i = 0
    while i < count:
        step = 1
        # Longest piece first, so "110105 19491231 0021" is not taken for its parts.
        for j in range(min(count, i + _MAX_PIECE_GROUPS), i, -1):
            if i == 0 and j == count:
                continue  # the whole run, already rejected
            digits = "".join(g[2] for g in groups[i:j])
            if len(digits) < 7:
                break
            lo, hi = groups[i][0], groups[j - 1][1]
            with_plus = plus and i == 0
            hit = _number_kind(digits, with_plus, raw[lo:hi], wanted, pieces=True)
            if hit is not None:
                _add_number(text, start + lo - with_plus, start + hi, hit, out)
                step = j - i
                break
        i += step


_CLOSING_BRACKET = re.compile("[)）]")
_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")


def _add_number(
    text: str, start: int, end: int, hit: tuple[str, str, float], out: list[Finding]
) -> None:
    kind, normalized, confidence = hit
    if kind != "id_number" and _labelled_as_reference(text, start):
        return
    if (
        kind == "phone"
        and start
        and text[start - 1] in "(（"
        and _CLOSING_BRACKET.search(text, start, end)
    ):
        start -= 1  # "(010) 8888 6666", "(+86) 138…": the bracket belongs to the number
    out.append(Finding(kind, start, end, text[start:end], normalized, confidence))


# ---------------------------------------------------------------------------
# Public API.


def scan(
    text: str, *, protected_names: Sequence[str] = (), kinds: Collection[str] | None = None
) -> list[Finding]:
    """All personal information found in ``text``, sorted by start offset.

    ``protected_names``: names of persons under protection, matched case-insensitively
    and through spaces or zero-width characters slipped between their characters.
    ``kinds``: restrict the search to these kinds (all of ``KINDS`` by default).
    """
    wanted = _ALL_KINDS if kinds is None else _wanted_kinds(kinds)
    findings: list[Finding] = []
    want_numbers = not wanted.isdisjoint(_NUMBER_KINDS)
    for m in _SCAN.finditer(text):
        group = m.lastgroup
        if group == "num":
            if want_numbers:
                _scan_number(text, m.start(), m.end(), wanted, findings)
        elif group == "cn_addr":
            if "address" in wanted:
                found = _cn_address(text, m.start() - 1, m.end())
                if found is not None:
                    _add_address(text, found, findings)
        elif group == "plate":
            if "licence_plate" in wanted:
                value = m.group()
                normalized = _plate_normalized(value)
                if normalized is not None:
                    findings.append(
                        Finding("licence_plate", m.start(), m.end(), value, normalized, 0.85)
                    )
        elif group == "en_addr":
            if "address" in wanted:
                found = _en_address(text, m.start(), m.end())
                if found is not None:
                    _add_address(text, found, findings)
        elif "email" in wanted:  # "at" or "at_word"
            _scan_email(text, m.start(), m.end(), findings)
    if protected_names and "protected_name" in wanted:
        _scan_names(text, protected_names, findings)
    if len(findings) > 1:
        findings.sort(key=_position)
        if "address" in wanted:
            findings = _merge_touching_addresses(text, findings)
    return findings


def normalize_value(kind: str, raw: str) -> str | None:
    """Canonical form of ``raw`` as a value of ``kind``; None when it is not one.

    ID numbers: 18 characters, upper-case X. Phones: E.164 (national forms are read as
    mainland numbers). Cards: digits only. E-mail: lower case. Plates: without
    separators. Addresses and names: NFKC, zero-width characters removed, whitespace
    collapsed, case-folded. All obfuscations ``scan`` sees through are undone here too.
    """
    if kind in _NUMBER_KINDS:
        text = raw.strip().lstrip("(（")
        plus = text[:1] in ("+", "＋")
        if plus:
            text = text[1:]
        digits = to_digits(text)
        if not digits or not digits.isascii() or not digits.rstrip("X").isdigit():
            return None
        if kind == "id_number":
            return digits if not plus and _valid_id_number(digits) else None
        if kind == "bank_card":
            return digits if not plus and digits.isdigit() and _valid_card(digits) else None
        return _phone_e164(digits, plus, text)
    if kind == "email":
        return _email_normalized(raw)
    if kind == "licence_plate":
        return _plate_normalized(raw.strip())
    if kind == "address":
        return _address_normalized(raw)
    if kind == "protected_name":
        return _name_normalized(raw)
    raise ValueError(f"unknown kind of personal information: {kind!r}")


# ---------------------------------------------------------------------------
# Helpers of scan.


def _wanted_kinds(kinds: Collection[str]) -> frozenset[str]:
    wanted = frozenset(kinds)
    unknown = wanted - _ALL_KINDS
    if unknown:
        raise ValueError(f"unknown kinds of personal information: {sorted(unknown)}")
    return wanted


def _position(finding: Finding) -> tuple[int, int]:
    return finding.start, finding.end


def _add_address(text: str, found: tuple[int, int, float], out: list[Finding]) -> None:
    start, end, confidence = found
    value = text[start:end]
    normalized = _address_normalized(value)
    if normalized is not None:
        out.append(Finding("address", start, end, value, normalized, confidence))


def _scan_email(text: str, at: int, at_end: int, out: list[Finding]) -> None:
    local = _EMAIL_LOCAL_REVERSED.match(text[max(0, at - 65) : at][::-1])
    domain = _EMAIL_DOMAIN.match(text, at_end)
    if local is None or domain is None:
        return
    start = at - local.end()
    while start < at and text[start] in _EDGE_JUNK:
        start += 1
    if start and text[start - 1] in _TOKEN_CHARS:
        return
    # The domain may have run on into the next sentence ("…@example.net。4-6-6…"): cut
    # it at a full stop, then drop labels from the right until it ends in a TLD.
    domain_end = domain.end()
    if text.find("。", at_end, domain_end) >= 0:
        stop = _IDEOGRAPHIC_DOT_LABEL.search(text, at_end, domain_end)
        if stop is not None:
            domain_end = stop.start()
    if _add_email(text, start, domain_end, at_end, out):
        return
    dots = [d.start() for d in _EMAIL_DOT_RE.finditer(text, at_end, domain_end)]
    for end in reversed(dots[-6:]):
        if _add_email(text, start, end, at_end, out):
            return


def _add_email(text: str, start: int, end: int, at_end: int, out: list[Finding]) -> bool:
    while end > at_end and text[end - 1] in _EDGE_JUNK:
        end -= 1
    value = text[start:end]
    normalized = _email_normalized(value)
    if normalized is None:
        return False
    out.append(Finding("email", start, end, value, normalized, 0.95))
    return True


def _scan_names(text: str, names: Sequence[str], out: list[Finding]) -> None:
    pattern = _names_pattern(tuple(names))
    if pattern is None:
        return
    for m in pattern.finditer(text):
        value = m.group()
        normalized = _name_normalized(value)
        if normalized is not None:
            exact = value.casefold() == normalized
            out.append(
                Finding(
                    "protected_name", m.start(), m.end(), value, normalized, 0.9 if exact else 0.85
                )
            )


def _merge_touching_addresses(text: str, findings: list[Finding]) -> list[Finding]:
    """One address written as two anchored parts ("建国路88号阳光小区5栋") is one finding.

    ``findings`` is sorted by start. Spans are merged first and each merged address is
    built once, so a post of many touching addresses still costs linear time.
    """
    addresses = [f for f in findings if f.type == "address"]
    if len(addresses) < 2:
        return findings
    groups: list[list[Finding]] = [[addresses[0]]]
    group_end = addresses[0].end
    for finding in addresses[1:]:
        if finding.start <= group_end:
            groups[-1].append(finding)
            group_end = max(group_end, finding.end)
        else:
            groups.append([finding])
            group_end = finding.end
    if len(groups) == len(addresses):
        return findings
    merged = [f for f in findings if f.type != "address"]
    for group in groups:
        if len(group) == 1:
            merged.append(group[0])
            continue
        start, end = group[0].start, max(f.end for f in group)
        value = text[start:end]
        normalized = _address_normalized(value) or group[0].normalized
        confidence = max(f.confidence for f in group)
        merged.append(Finding("address", start, end, value, normalized, confidence))
    merged.sort(key=_position)
    return merged
