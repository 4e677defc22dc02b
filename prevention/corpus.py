"""The evaluation corpus of the personal-information detectors: posts as people write them.

Values come from an independent generator of personal data, Faker's ``zh_CN`` and
``en_US`` providers (ID numbers, mobiles, cards, e-mail addresses, plates, street
addresses, names), and are planted into post templates written the way Chinese
microblog and English forum posts are written, plain or hidden in one of the ways
people hide them (look-alike letters, emoji between digits, numbers split over a line,
spelled-out digits, ``at … dot``, ``#`` for ``@`` with a hint, spaced-out addresses,
Cyrillic letters in names, ...). Hard negatives that look like personal information
are mixed in: order and tracking numbers, dates and date ranges, prices, version
strings, file names such as ``icon@2x.png``, metro-line phrases, gift codes, toll-free
and hotline numbers, @mentions.

The judge is this module alone: every planted value is checked with python-stdnum
(GB 11643 check characters and birth dates, Luhn) or libphonenumber before it is
planted, and its label, span and canonical form are recorded here. Nothing here imports
the detectors, so the yardstick shares no code with what it measures; scoring lives in
``prevention.evaluation``.

Faker and python-stdnum are development dependencies: this module is for the benchmark
and the tests, never imported by the running product.

``python -m prevention.corpus --out FILE --n N [--seed S]`` writes JSON lines.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import phonenumbers
from faker import Faker
from stdnum import luhn
from stdnum.cn import ric

KINDS: tuple[str, ...] = (
    "id_number",
    "phone",
    "bank_card",
    "email",
    "licence_plate",
    "address",
    "protected_name",
)


@dataclass(frozen=True, slots=True)
class Planted:
    kind: str
    start: int
    end: int
    value: str  # as written in the post
    normalized: str  # the canonical form of the value
    obfuscation: str  # "plain", "spaced", "homoglyph", "emoji", "spelled", "at_dot" ...


@dataclass(frozen=True, slots=True)
class Negative:
    """A look-alike that is not personal information, with where it sits."""

    label: str  # "order_number", "date_range", "file_name", "metro_line", ...
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sample:
    id: int
    lang: str  # "zh" | "en"
    text: str
    planted: tuple[Planted, ...]
    negatives: tuple[Negative, ...]
    protected_names: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "lang": self.lang,
            "text": self.text,
            "planted": [asdict(p) for p in self.planted],
            "negatives": [asdict(n) for n in self.negatives],
            "protected_names": list(self.protected_names),
        }


# ---------------------------------------------------------------------------
# The judge: a value is planted only when it is a valid value of its kind.

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


# ---------------------------------------------------------------------------
# Obfuscations of digit strings.

_FULLWIDTH = {str(i): chr(0xFF10 + i) for i in range(10)}
_CN_DIGITS = "零一二三四五六七八九"
_CN_CAPITAL = "零壹贰叁肆伍陆柒捌玖"
_EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
_EMOJI = ("🔥", "✨", "😂", "👉", "❤", "⭐", "🌸", "★", "☆", "♥", "※", "~", "🐶", "💯")
# Letters typed for digits: O for 0, l and I for 1; the reader sees the number anyway.
_HOMOGLYPHS = {"0": ("O", "o"), "1": ("l", "I")}


def _grouped(chars: Sequence[str], groups: Sequence[int], sep: str) -> str:
    out, i = [], 0
    for size in groups:
        out.append("".join(chars[i : i + size]))
        i += size
    if i < len(chars):
        out.append("".join(chars[i:]))
    return sep.join(p for p in out if p)


def obfuscate_digits(
    rng: random.Random, digits: str, groups: Sequence[int], lang: str, styles: Sequence[str]
) -> tuple[str, str]:
    """(written form, obfuscation) of a digit string, in one of ``styles``."""
    style = rng.choice(styles)
    chars = list(digits)
    if style == "plain":
        return digits, style
    if style == "spaced":
        return _grouped(chars, groups, rng.choice((" ", "-", " - ", ".", "\u3000"))), style
    if style == "per_digit":
        return rng.choice((" ", "-", ".", "·", "  ")).join(chars), style
    if style == "fullwidth":
        chars = [_FULLWIDTH.get(c, c) for c in chars]
        return (_grouped(chars, groups, " ") if rng.random() < 0.4 else "".join(chars)), style
    if style == "chinese":
        table = _CN_DIGITS if rng.random() < 0.7 else _CN_CAPITAL
        chars = [table[int(c)] if c.isdigit() else c for c in chars]
        if rng.random() < 0.3:
            chars = ["幺" if c == "一" else c for c in chars]
        return "".join(chars), style
    if style == "mixed":
        out = []
        for c in chars:
            r = rng.random()
            if not c.isdigit() or r < 0.4:
                out.append(c)
            elif r < 0.6:
                out.append(_FULLWIDTH[c])
            elif r < 0.8:
                out.append(_CN_DIGITS[int(c)])
            else:
                out.append(_CN_CAPITAL[int(c)])
        return "".join(out), style
    if style == "zero_width":
        out = []
        for i, c in enumerate(chars):
            if i and rng.random() < 0.4:
                out.append(rng.choice(_ZERO_WIDTH))
            out.append(c)
        return "".join(out), style
    if style == "emoji":
        out = []
        every = rng.choice((1, 2, 3, 4))
        mark = rng.choice(_EMOJI)
        for i, c in enumerate(chars):
            if i and i % every == 0 and rng.random() < 0.8:
                out.append(mark if rng.random() < 0.7 else rng.choice(_EMOJI))
            out.append(c)
        return "".join(out), style
    if style == "homoglyph":
        out = list(chars)
        spots = [i for i, c in enumerate(out) if c in _HOMOGLYPHS]
        if not spots:
            return _grouped(chars, groups, "-"), "spaced"
        for i in rng.sample(spots, max(1, len(spots) * 2 // 3)):
            out[i] = rng.choice(_HOMOGLYPHS[out[i]])
        return (_grouped(out, groups, " ") if rng.random() < 0.3 else "".join(out)), style
    if style == "line_break":
        cut = rng.randint(3, len(chars) - 3)
        return "".join(chars[:cut]) + rng.choice(("\n", "\r\n", " \n")) + "".join(chars[cut:]), style
    if style == "spelled":
        words = list(_EN_DIGITS)
        if rng.random() < 0.4:
            words[0] = "oh"
        spelled = [words[int(c)] if c.isdigit() else c for c in chars]
        if rng.random() < 0.3:  # some digits spelled, others not
            spelled = [w if rng.random() < 0.6 else c for w, c in zip(spelled, chars, strict=True)]
        return rng.choice((" ", "-", " ")).join(spelled), style
    raise ValueError(style)


_NUMBER_STYLES_ZH = (
    "plain", "plain", "plain", "spaced", "per_digit", "fullwidth", "chinese", "mixed",
    "zero_width", "emoji", "homoglyph", "line_break",
)  # fmt: skip
_NUMBER_STYLES_EN = (
    "plain", "plain", "plain", "spaced", "per_digit", "zero_width", "emoji", "homoglyph",
    "line_break", "spelled",
)  # fmt: skip


# ---------------------------------------------------------------------------
# Values, from Faker.

_CN_AREA_CODES = (
    "010 020 021 022 023 024 025 027 028 029 0311 0351 0371 0431 0451 0512 0531 0532 "
    "0551 0571 0574 0591 0592 0731 0755 0757 0769 0871 0898"
).split()


class _Values:
    """Faker-backed makers of valid values; each retries until the judge agrees."""

    def __init__(self, seed: int, rng: random.Random) -> None:
        self.zh = Faker("zh_CN")
        self.en = Faker("en_US")
        self.zh.seed_instance(seed)
        self.en.seed_instance(seed + 1)
        self.rng = rng

    def faker(self, lang: str) -> Faker:
        return self.zh if lang == "zh" else self.en

    def id_number(self) -> str:
        while True:
            value = self.zh.ssn()
            if judge("id_number", value):
                return value

    def mobile(self) -> str:
        while True:
            value = self.zh.phone_number()
            if judge("phone", "+86" + value):
                return value

    def landline(self) -> tuple[str, str]:
        rng = self.rng
        while True:
            area = rng.choice(_CN_AREA_CODES)
            size = 8 if len(area) == 3 else rng.choice((7, 8))
            subscriber = str(rng.randint(2, 8)) + "".join(rng.choices("0123456789", k=size - 1))
            if judge("phone", f"+86{area[1:]}{subscriber}"):
                return area, subscriber

    def us_phone(self) -> tuple[str, str]:
        """(as Faker writes it, E.164)."""
        while True:
            written = self.en.phone_number()
            digits = re.sub(r"\D", "", written.split("x")[0])
            if digits.startswith("001"):
                digits = digits[3:]
            elif digits.startswith("1") and len(digits) == 11:
                digits = digits[1:]
            e164 = "+1" + digits
            if judge("phone", e164):
                return written, e164

    def foreign_phone(self) -> tuple[str, str]:
        rng = self.rng
        while True:
            region = rng.choice(("HK", "TW", "GB", "JP", "SG", "DE"))
            example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
            national = str(example.national_number)
            keep = max(2, len(national) // 2)
            national = national[:keep] + "".join(rng.choices("0123456789", k=len(national) - keep))
            number = phonenumbers.parse(f"+{example.country_code}{national}", None)
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if judge("phone", e164):
                written = phonenumbers.format_number(
                    number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
                )
                return written, e164

    def card(self, lang: str) -> str:
        while True:
            value = self.faker(lang).credit_card_number()
            if judge("bank_card", value):
                return value

    def email(self, lang: str) -> str:
        fake = self.faker(lang)
        while True:
            choice = self.rng.randrange(5)
            if choice == 0:
                value = fake.free_email()
            elif choice == 1:
                value = fake.company_email()
            elif choice == 2 and lang == "zh":
                value = f"{self.rng.randint(10000, 3999999999)}@qq.com"
            else:
                value = fake.email()
            value = value.lower()
            if judge("email", value):
                return value

    def plate(self) -> tuple[str, str]:
        rng = self.rng
        while True:
            if rng.random() < 0.25:  # new-energy plates: Faker only makes the old kind
                base = self.zh.license_plate().replace("-", "")
                body = rng.choice("DF") + rng.choice("ABCDEFGHJK0123456789") + base[3:7]
                written, canonical = base[:2] + rng.choice(("", "·", " ")) + body, base[:2] + body
            else:
                written = self.zh.license_plate()
                canonical = written.replace("-", "")
                written = written.replace("-", rng.choice(("-", "", "·", " ", "")))
            if judge("licence_plate", canonical):
                return written, canonical

    def name(self, lang: str) -> str:
        return self.faker(lang).name()


# ---------------------------------------------------------------------------
# Addresses.

_CN_ESTATES = (
    "阳光小区", "锦绣花园", "翠苑", "金色家园", "和谐家园", "绿城公寓", "紫荆花园", "滨湖新村",
    "东方大厦", "世纪广场", "龙湖花园", "碧桂园", "万科城", "幸福里", "名都公寓",
)  # fmt: skip


def _cn_address(v: _Values) -> tuple[str, str]:
    """(address, form) in one of the shapes Chinese addresses are written in."""
    fake, rng = v.zh, v.rng
    form = rng.randrange(8)
    district = fake.district() + "区"
    street = fake.street_name()
    number = rng.randint(1, 999)
    if form == 0:  # Faker's own format: no house number, a lettered block, a postcode
        return fake.address(), "no_house_number"
    if form == 1:
        return f"{fake.province()}{fake.city()}{district}{street}{number}号", "plain"
    if form == 2:
        room = f"{rng.randint(1, 33)}{rng.randint(1, 4):02d}"
        unit = f"{rng.randint(1, 6)}单元" if rng.random() < 0.6 else ""
        return (
            f"{fake.city()}{district}{street}{number}号{rng.choice(_CN_ESTATES)}"
            f"{rng.randint(1, 30)}栋{unit}{room}室"
        ), "plain"
    if form == 3:
        tail = f"{rng.randint(1, 20)}-{rng.randint(1, 6)}-{rng.randint(101, 2804)}"
        return f"{street}{number}号{tail}", "plain"
    if form == 4:  # a lettered block and a room, no 号: "…街A座7405"
        block = rng.choice("ABCDEFG") + "座"
        return f"{district}{street}{block}{rng.randint(1, 40)}{rng.randint(1, 20):02d}", "no_house_number"
    if form == 5:
        village = fake.last_name() + rng.choice(("家村", "庄村", "村"))
        town = fake.city_name() + rng.choice(("镇", "乡"))
        return f"{fake.city()}{town}{village}{rng.randint(1, 12)}组{rng.randint(1, 99)}号", "plain"
    if form == 6:
        estate = rng.choice(_CN_ESTATES)
        return f"{district}{estate}{rng.randint(1, 30)}号楼{rng.randint(1, 3)}单元{rng.randint(101, 1802)}", "no_house_number"
    lane = f"{street}{number}弄{rng.randint(1, 80)}号{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
    return lane, "plain"


def _spaced_cjk(rng: random.Random, text: str) -> str:
    sep = rng.choice((" ", " ", "\u3000", "·", "\u200b"))
    return sep.join(text.replace(" ", ""))


def _en_address(v: _Values) -> tuple[str, str]:
    fake, rng = v.en, v.rng
    form = rng.randrange(7)
    if form <= 1:
        value = fake.address()
        return (value if rng.random() < 0.5 else value.replace("\n", ", ")), "plain"
    if form == 2:
        return fake.street_address(), "plain"
    if form == 3:
        return fake.address().replace("\n", ", ").lower(), "lower_case"
    if form == 4:
        box = rng.choice(("P.O. Box", "PO Box", "P.O. BOX", "po box", "Post Office Box"))
        return f"{box} {rng.randint(1, 9999)}, {fake.city()}, {fake.state_abbr()} {fake.zipcode()}", "po_box"
    if form == 5:
        unit = rng.choice(("Apt", "Apt.", "Unit", "Suite", "#", "Ste"))
        return f"{fake.building_number()} {fake.street_name()} {unit} {rng.randint(1, 999)}", "plain"
    return fake.street_address().lower(), "lower_case"


def _plant_address(post: _Post, v: _Values, lang: str) -> None:
    if lang == "zh":
        value, form = _cn_address(v)
        written = value
        if v.rng.random() < 0.15:
            written, form = _spaced_cjk(v.rng, value), "spaced"
        post.plant("address", written, value, form)
    else:
        value, form = _en_address(v)
        post.plant("address", value, value, form)


# ---------------------------------------------------------------------------
# Names.

# Cyrillic letters that look like Latin ones, swapped into names to dodge filters.
_CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у",
             "A": "А", "B": "В", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О",
             "P": "Р", "C": "С", "T": "Т", "X": "Х", "i": "і", "j": "ј", "s": "ѕ"}  # fmt: skip


def _obfuscate_name(rng: random.Random, name: str, lang: str) -> tuple[str, str]:
    r = rng.random()
    if r < 0.45:
        return name, "plain"
    if lang == "zh":
        if r < 0.65:
            return rng.choice((" ", "  ", "\u3000")).join(name), "spaced"
        if r < 0.8:
            return "·".join(name), "middle_dot"
        chars = list(name)
        chars.insert(rng.randint(1, len(chars) - 1), rng.choice(_ZERO_WIDTH))
        return "".join(chars), "zero_width"
    if r < 0.7:
        chars = list(name)
        spots = [i for i, c in enumerate(chars) if c in _CYRILLIC]
        for i in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
            chars[i] = _CYRILLIC[chars[i]]
        return "".join(chars), "homoglyph"
    if r < 0.85:
        return rng.choice((name.upper(), name.lower())), "case"
    return " ".join(name.replace(" ", "")), "spaced"


# ---------------------------------------------------------------------------
# E-mail obfuscations.

_HASH_HINTS_ZH = ("（把#改成@）", "(#换成@)", "，#换@", "（发邮件请把#替换为@）")
_HASH_HINTS_EN = (" (replace # with @)", " (# = @)", " (swap the # for @)")
_TLD_WORDS = {".com": (" dot com", "点com", "。com"), ".cn": (" dot cn", "点cn"), ".net": (" dot net", "点net")}


def _obfuscate_email(rng: random.Random, value: str, lang: str) -> tuple[str, str, str]:
    """(written, obfuscation, text to add after it) of an e-mail address."""
    local, domain = value.split("@")
    r = rng.randrange(10)
    if r <= 2:
        return value, "plain", ""
    if r == 3:
        dotted = domain.replace(".", rng.choice((" (dot) ", "[dot]", " dot ", "(.)")))
        return f"{local}{rng.choice((' (at) ', '[at]', ' [at] ', '(@)'))}{dotted}", "at_dot", ""
    if r == 4:
        return f"{local} at {domain.replace('.', ' dot ')}", "bare_at_dot", ""
    if r == 5:
        hints = _HASH_HINTS_ZH if lang == "zh" else _HASH_HINTS_EN
        return f"{local}#{domain}", "hash_hint", rng.choice(hints)
    if r == 6 and lang == "zh":
        at = rng.choice(("艾特", "圈a", "圈A", "圈圈a"))
        dot = rng.choice((".", "点", "點"))
        return f"{local}{at}{domain.replace('.', dot)}", "chinese_at", ""
    if r == 7:
        if rng.random() < 0.4:
            return value.replace("@", " @ "), "spaced_at", ""
        return value.replace("@", "＠"), "fullwidth", ""
    if r == 8:
        i = rng.randrange(1, len(value) - 1)
        return value[:i] + rng.choice(_ZERO_WIDTH) + value[i:], "zero_width", ""
    return value.upper() if rng.random() < 0.5 else value.capitalize(), "case", ""


# ---------------------------------------------------------------------------
# Hard negatives.


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(rng.choices("0123456789", k=n - 1))


def _hard_negative(rng: random.Random, v: _Values, lang: str) -> tuple[str, str, str, str]:
    """(text before, look-alike, text after, label)."""
    zh = lang == "zh"
    choice = rng.randrange(16)
    if choice == 0:
        number = f"{rng.randint(2019, 2025)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}" + _digits(rng, rng.randint(8, 12))
        return ("订单号：" if zh else "order #"), number, "", "order_number"
    if choice == 1:
        code = rng.choice(("SF", "YT", "JD", "ZTO", "1Z")) + _digits(rng, rng.randint(10, 14))
        plain = _digits(rng, rng.randint(12, 15))
        return ("快递单号 " if zh else "tracking "), rng.choice((code, plain)), "", "tracking_number"
    if choice == 2:
        y = rng.randint(1970, 2010)
        a = f"{y}/{rng.randint(1, 12)}/{rng.randint(1, 28)}"
        b = rng.choice((str(y + rng.randint(1, 9)), f"{y + 1}/{rng.randint(1, 12)}/{rng.randint(1, 28)}"))
        sep = rng.choice((" - ", "-", "~", " 至 " if zh else " to "))
        return ("在校时间 " if zh else "attended "), f"{a}{sep}{b}", "", "date_range"
    if choice == 3:
        day = f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
        return ("发布于 " if zh else "posted "), rng.choice((f"{day} {clock}", day.replace("-", ".") + " " + clock)), "", "date"
    if choice == 4:
        price = f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}.{rng.randint(0, 99):02d}"
        return ("花了 ¥" if zh else "it cost $"), price, "", "price"
    if choice == 5:
        version = f"{rng.randint(1, 19)}.{rng.randint(0, 9)}.{rng.randint(0, 9999)}.{rng.randint(1000, 99999999)}"
        return ("升级到版本 " if zh else "updated to version "), rng.choice((version, "v" + version)), "", "version"
    if choice == 6:
        stem = rng.choice(("icon", "logo", "avatar", "banner", "bg", "btn_close"))
        name = f"{stem}@{rng.choice(('2x', '3x', '1.5x'))}.{rng.choice(('png', 'jpg', 'webp'))}"
        return ("图片 " if zh else "asset "), name, "", "file_name"
    if choice == 7 and zh:
        district = v.zh.district() + "区"
        line = rng.randint(1, 16)
        phrase = rng.choice((f"{district}{line}号线沿线", f"地铁{line}号线{district}站", f"{district}{line}号线换乘"))
        return "房子在", phrase, "，交通方便", "metro_line"
    if choice == 7:
        return "take the ", f"Route {rng.randint(1, 99)}", " bus", "route"
    if choice == 8:
        code = "-".join(_digits(rng, 4) for _ in range(rng.choice((3, 4))))
        if rng.random() < 0.4:
            code = _digits(rng, 11)
        return ("兑换码：" if zh else "gift code: "), code, "", "gift_code"
    if choice == 9:
        number = rng.choice(
            (f"1-800-{_digits(rng, 3)}-{_digits(rng, 4)}", f"1-888-{_digits(rng, 3)}-{_digits(rng, 4)}",
             f"(877) {_digits(rng, 3)}-{_digits(rng, 4)}", f"400-{_digits(rng, 3)}-{_digits(rng, 4)}",
             f"800-{_digits(rng, 3)}-{_digits(rng, 4)}", "95588", "12345", "10086")
        )  # fmt: skip
        return ("客服热线 " if zh else "customer service "), number, "", "toll_free"
    if choice == 10:
        return "", "@所有人" if zh else "@everyone", "", "mention"
    if choice == 11:
        bad = v.id_number()
        bad = bad[:-1] + rng.choice([c for c in "0123456789X" if c != bad[-1]])
        return ("身份证 " if zh else "ID "), bad, "", "wrong_check_id"
    if choice == 12:
        good = v.card(lang)
        bad = good[:-1] + str((int(good[-1]) + rng.randint(1, 9)) % 10)
        return ("卡号 " if zh else "card "), bad, "", "wrong_check_card"
    if choice == 13:
        host = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        url = f"https://example.com/post/{rng.randint(10**10, 10**12)}"
        return ("" if zh else "see "), rng.choice((host, url)), "", "network"
    if choice == 14 and zh:
        city = v.zh.city()
        phrase = rng.choice((f"{city}统计局发布的数据", f"我在{city}工作", f"{city}人民路步行街很热闹", "5号楼下的便利店"))
        return "", phrase, "", "place_prose"
    if choice == 14:
        phrase = rng.choice(("walked 3 miles down the road", "top 10 park views", "2 main concerns", "at 5 Guys"))
        return "we ", phrase, "", "place_prose"
    stamp = str(rng.randint(1_500_000_000, 1_800_000_000))
    return ("时间戳 " if zh else "timestamp "), rng.choice((stamp, stamp + _digits(rng, 3))), "", "timestamp"


# ---------------------------------------------------------------------------
# Posts.

_ZH_OPENERS = (
    "【扩散】大家看看这个人，在小区里乱停车还骂人！", "曝光一下这个骗子😡已经有好几个人上当了。",
    "这人欠钱不还，求扩散！！", "#人肉搜索# 就是他在网上造谣，今天把他的信息放出来。",
    "有没有人认识这个人？", "同事说这个人最近一直在骚扰她。", "此人人品极差，大家小心。",
    "转发扩散，让更多人看到👇", "昨天在地铁上遇到的那个人，有人扒出来了：", "家人们谁懂啊，",
    "@所有人 注意这个人", "实名举报！", "冲啊兄弟们，",
)  # fmt: skip
_ZH_FILLER = (
    "我们已经报警了，警察说会处理。", "真的太过分了，大家评评理。", "希望大家多多转发🙏",
    "这种人就应该被曝光。", "今天下午又看见他在楼下抽烟。", "有消息的请私信我。",
    "前几天还在群里发广告。", "说了好几次都不听。", "天气不错，我们去公园散步。",
    "中午在附近的餐馆吃了饭，味道还可以。", "有知道的私我", "别让他跑了！", "懂的都懂。",
)  # fmt: skip
_EN_OPENERS = (
    "This guy keeps harassing people in our building.", "Everyone should know who this is.",
    "Found the person who scammed my mum.", "Spread this so he can't hide anymore!!",
    "She has been posting lies about my sister for weeks.", "Does anyone recognise him?",
    "PSA for the neighbourhood:", "Not sure if this is allowed here but", "lol ok so",
)  # fmt: skip
_EN_FILLER = (
    "We already went to the police.", "Please share as widely as you can.",
    "He still refuses to apologise.", "The weather was lovely on the weekend.",
    "I can't believe people like this exist.", "Let him know what you think of him.",
    "Edit: thanks for all the messages.", "DM me if you know more.",
)  # fmt: skip

_ZH_LABELS = {
    "id_number": ("身份证号", "身份证：", "他的身份证是 ", "身份证号码", "sfz：", ""),
    "mobile": ("电话", "手机：", "手机号 ", "联系方式：", "打这个号码 ", "微信同号", "vx/电话 ", ""),
    "mobile_pair": ("电话：", "他和他老婆的手机 ", "联系电话 "),
    "landline": ("家里座机", "单位电话：", "固话 "),
    "foreign": ("他在国外的号码是 ", "境外电话："),
    "us_phone": ("他美国的电话 ", "美国号码："),
    "bank_card": ("卡号 ", "银行卡：", "他的银行卡号", "转账账号：", "收款卡 "),
    "card_then_phone": ("卡号和电话：", "银行卡 "),
    "email": ("邮箱", "邮箱：", "email: ", "联系邮箱 ", "他的邮箱是"),
    "licence_plate": ("车牌", "车牌号：", "开的车是 ", "他的车"),
    "address": ("住在", "家庭住址：", "地址：", "家在", "他家就在", "收货地址 "),
    "protected_name": ("这个人叫", "当事人", "就是", "", "姓名："),
}
_EN_LABELS = {
    "id_number": ("Chinese ID: ", "his ID number is ", "ID "),
    "mobile": ("his mobile in China is ", "call him on ", "China number: "),
    "mobile_pair": ("his numbers: ", "phones "),
    "landline": ("office line ", "home phone: "),
    "foreign": ("his number is ", "call ", "phone: ", "text her at "),
    "us_phone": ("his number is ", "call him at ", "phone: ", "cell ", "text her on ", ""),
    "bank_card": ("card number ", "his card: ", "send money to card ", "cc: "),
    "card_then_phone": ("card and phone: ", "details: "),
    "email": ("email him at ", "e-mail: ", "contact: ", "his email is "),
    "licence_plate": ("he drives plate ", "car plate: "),
    "address": ("he lives at ", "address: ", "she lives at ", "home: ", "send it to ", ""),
    "protected_name": ("this is ", "her name is ", "it's ", "name: "),
}

_KIND_WEIGHTS = {
    "zh": (("id_number", 5), ("mobile", 6), ("mobile_pair", 1), ("landline", 1), ("foreign", 1),
           ("us_phone", 1), ("bank_card", 4), ("card_then_phone", 1), ("email", 4),
           ("licence_plate", 3), ("address", 6), ("protected_name", 3)),
    "en": (("id_number", 1), ("mobile", 1), ("foreign", 1), ("us_phone", 6), ("bank_card", 4),
           ("card_then_phone", 1), ("email", 5), ("address", 6), ("protected_name", 3),
           ("landline", 0), ("mobile_pair", 0), ("licence_plate", 0)),
}  # fmt: skip


class _Post:
    """A post assembled piece by piece, remembering where planted values went."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.planted: list[Planted] = []
        self.negatives: list[Negative] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def plant(self, kind: str, written: str, normalized: str, obfuscation: str) -> None:
        if not judge(kind, normalized):
            raise AssertionError(f"the corpus planted an invalid {kind}")
        start = self.length
        self.add(written)
        self.planted.append(Planted(kind, start, self.length, written, normalized, obfuscation))

    def negative(self, label: str, text: str) -> None:
        start = self.length
        self.add(text)
        self.negatives.append(Negative(label, start, self.length))

    @property
    def text(self) -> str:
        return "".join(self.parts)


_ID_GROUPS = (6, 8, 4)
_MOBILE_GROUPS = (3, 4, 4)


def _card_groups(value: str) -> tuple[int, ...]:
    if len(value) == 15:
        return (4, 6, 5)
    if len(value) == 14:
        return (4, 6, 4)
    return (4,) * (len(value) // 4) + ((len(value) % 4,) if len(value) % 4 else ())


def _plant_value(post: _Post, v: _Values, lang: str, what: str) -> str | None:
    """Plant one value of kind ``what``; returns a protected name when it plants one."""
    rng = v.rng
    labels = _ZH_LABELS if lang == "zh" else _EN_LABELS
    styles = _NUMBER_STYLES_ZH if lang == "zh" else _NUMBER_STYLES_EN
    post.add(rng.choice(labels[what]))
    if what == "id_number":
        value = v.id_number()
        written, style = obfuscate_digits(rng, value, _ID_GROUPS, lang, styles)
        post.plant("id_number", written, value, style)
    elif what == "mobile":
        value = v.mobile()
        written, style = obfuscate_digits(rng, value, _MOBILE_GROUPS, lang, styles)
        if rng.random() < 0.2 and style in ("plain", "spaced", "zero_width"):
            prefix = rng.choice(("+86 ", "+86-", "+86", "0086 ", "(+86) ", "86-"))
            written, style = prefix + written, style + "+cc"
        post.plant("phone", written, "+86" + value, style)
    elif what == "mobile_pair":
        first, second = v.mobile(), v.mobile()
        post.plant("phone", first, "+86" + first, "pair")
        post.add(rng.choice(("/", " ", "、", " / ", "，", "\n")))
        post.plant("phone", second, "+86" + second, "pair")
    elif what == "landline":
        area, subscriber = v.landline()
        sep = rng.choice(("-", " ", "", "-"))
        written = f"({area}) {subscriber}" if rng.random() < 0.2 else f"{area}{sep}{subscriber}"
        post.plant("phone", written, f"+86{area[1:]}{subscriber}", "plain")
    elif what == "foreign":
        written, e164 = v.foreign_phone()
        post.plant("phone", written, e164, "international")
    elif what == "us_phone":
        written, e164 = v.us_phone()
        style = "plain"
        if rng.random() < 0.3:
            digits = e164[2:]
            written, style = obfuscate_digits(rng, digits, (3, 3, 4), lang, ("spaced", "homoglyph", "emoji", "per_digit", "spelled") if lang == "en" else ("spaced", "emoji"))
        post.plant("phone", written, e164, style)
    elif what in ("bank_card", "card_then_phone"):
        value = v.card(lang)
        written, style = obfuscate_digits(rng, value, _card_groups(value), lang, styles)
        post.plant("bank_card", written, value, style)
        if what == "card_then_phone":
            post.add(rng.choice((" ", "  ", "，", " / ", "\n", " 电话 " if lang == "zh" else " phone ")))
            mobile = v.mobile()
            post.plant("phone", mobile, "+86" + mobile, "after_card")
    elif what == "email":
        value = v.email(lang)
        written, style, after = _obfuscate_email(rng, value, lang)
        post.plant("email", written, value, style)
        post.add(after)
    elif what == "licence_plate":
        written, canonical = v.plate()
        post.plant("licence_plate", written, canonical, "plain")
    elif what == "address":
        _plant_address(post, v, lang)
    elif what == "protected_name":
        name = v.name(lang)
        written, style = _obfuscate_name(rng, name, lang)
        post.plant("protected_name", written, name, style)
        return name
    return None


def _sample(v: _Values, sample_id: int) -> Sample:
    rng = v.rng
    lang = "zh" if rng.random() < 0.6 else "en"
    openers, filler = (_ZH_OPENERS, _ZH_FILLER) if lang == "zh" else (_EN_OPENERS, _EN_FILLER)
    gap = "" if lang == "zh" else " "
    post = _Post()
    post.add(rng.choice(openers) + gap)
    kinds = [k for k, _ in _KIND_WEIGHTS[lang]]
    weights = [w for _, w in _KIND_WEIGHTS[lang]]
    items = [("value", k) for k in rng.choices(kinds, weights, k=rng.choice((0, 1, 1, 2, 2, 3)))]
    items += [("negative", "")] * rng.choice((0, 1, 1, 2))
    rng.shuffle(items)
    names: list[str] = []
    for item, what in items:
        if item == "value":
            name = _plant_value(post, v, lang, what)
            if name is not None:
                names.append(name)
        else:
            before, text, after, label = _hard_negative(rng, v, lang)
            post.add(before)
            post.negative(label, text)
            post.add(after)
        if lang == "zh":
            post.add(rng.choice(("，", "，", "。", "！", " ", "\n")))
        else:
            post.add(rng.choice((", ", ", ", ". ", "! ", "\n")))
        if rng.random() < 0.4:
            post.add(rng.choice(filler) + gap)
    post.add(rng.choice(filler))
    if rng.random() < 0.3:  # a protected person the post does not mention
        names.append(v.name(lang))
    return Sample(sample_id, lang, post.text, tuple(post.planted), tuple(post.negatives), tuple(names))


def generate(n: int, seed: int = 0) -> list[Sample]:
    """``n`` posts, the same ones for the same seed."""
    rng = random.Random(seed)
    values = _Values(seed, rng)
    return [_sample(values, i) for i in range(n)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", required=True, help="JSON-lines file to write ('-' for stdout)")
    parser.add_argument("--n", type=int, default=2000, help="number of posts")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    samples = generate(args.n, args.seed)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for sample in samples:
            out.write(json.dumps(sample.to_json(), ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
