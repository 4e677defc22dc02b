"""A synthetic evaluation corpus for the personal-information detectors.

Posts in Chinese and English with planted values (plain and obfuscated) and hard
negatives that look like personal information but are not: order and tracking numbers,
timestamps, numbers with a wrong check digit, prices and dates in prose.

Every planted value is random and synthetic, never taken from a real person: ID numbers
and cards are random digits with valid check characters computed here; phone numbers
are random numbers in valid ranges, or in the ranges reserved for drama where a country
has them (UK 020 7946 0xxx, North American 555-01xx); e-mail addresses use the reserved
``example`` domains; names are random combinations of common name parts. The generator
computes check characters on its own rather than calling the detectors, so the corpus
stays an independent yardstick for them.

``python -m prevention.corpus --out FILE --n N [--seed S]`` writes JSON lines.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import phonenumbers

from prevention.cn_regions import ID_PROVINCE_PREFIXES, PLATE_LETTERS, PLATE_PROVINCES
from prevention.detectors import KINDS, Finding, scan

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
CN_NUMERALS = "零一二三四五六七八九"
CN_CAPITAL_NUMERALS = "零壹贰叁肆伍陆柒捌玖"

# Kinds whose planted span must be found exactly; addresses and names only need to
# overlap, because where an address begins in running prose is a judgement call.
EXACT_SPAN_KINDS = ("id_number", "phone", "bank_card", "email", "licence_plate")


@dataclass(frozen=True, slots=True)
class Planted:
    kind: str
    start: int
    end: int
    value: str  # as written in the post
    normalized: str  # canonical form, as normalize_value should give it
    obfuscation: str  # "plain", "spaced", "fullwidth", "zero_width", "chinese", "mixed" ...


@dataclass(frozen=True, slots=True)
class Sample:
    id: int
    lang: str  # "zh" | "en"
    text: str
    planted: tuple[Planted, ...]
    protected_names: tuple[str, ...]
    hard_negatives: tuple[str, ...]  # which look-alikes the post contains

    def spans_by_kind(self) -> dict[str, list[tuple[int, int]]]:
        spans: dict[str, list[tuple[int, int]]] = {}
        for p in self.planted:
            spans.setdefault(p.kind, []).append((p.start, p.end))
        return spans

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "lang": self.lang,
            "text": self.text,
            "planted": [asdict(p) for p in self.planted],
            "protected_names": list(self.protected_names),
            "hard_negatives": list(self.hard_negatives),
        }


@dataclass(frozen=True, slots=True)
class KindScore:
    kind: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        planted = self.true_positives + self.false_negatives
        return self.true_positives / planted if planted else 1.0


# ---------------------------------------------------------------------------
# Synthetic values.


def _id_check_char(body: str) -> str:
    # ISO 7064 MOD 11-2 (GB 11643-1999): weights 2^(17-i) mod 11 for i = 0..16.
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body))
    return "10X98765432"[total % 11]


def _luhn_check_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # these digits are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def make_id_number(rng: random.Random) -> str:
    province = rng.choice(sorted(ID_PROVINCE_PREFIXES))
    area = f"{rng.randint(1, 99):02d}{rng.randint(1, 99):02d}"
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 75))
    body = f"{province}{area}{born:%Y%m%d}{_digits(rng, 3)}"
    return body + _id_check_char(body)


def make_bad_id_number(rng: random.Random) -> str:
    good = make_id_number(rng)
    wrong = rng.choice([c for c in "0123456789X" if c != good[-1]])
    return good[:-1] + wrong


_CN_MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 172 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 193 195 "
    "196 197 198 199"
).split()
_CN_AREA_CODES = (
    "010 020 021 022 023 024 025 027 028 029 0311 0351 0371 0431 0451 0512 0531 0532 "
    "0551 0571 0574 0591 0592 0731 0755 0757 0769 0871 0898"
).split()


def _valid_phone(text: str, region: str | None) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(text, region))


def make_mobile(rng: random.Random) -> str:
    while True:
        number = rng.choice(_CN_MOBILE_PREFIXES) + _digits(rng, 8)
        if _valid_phone(number, "CN"):
            return number


def make_landline(rng: random.Random) -> tuple[str, str]:
    """(area code with trunk 0, subscriber number)."""
    while True:
        area = rng.choice(_CN_AREA_CODES)
        subscriber = str(rng.randint(2, 8)) + _digits(
            rng, 7 if len(area) == 3 else rng.choice((6, 7))
        )
        if _valid_phone(area + subscriber, "CN"):
            return area, subscriber


def make_foreign_phone(rng: random.Random) -> tuple[str, str]:
    """(written form, E.164) of a non-mainland number in an international format."""
    while True:
        choice = rng.randrange(6)
        if choice == 0:  # Ofcom's range reserved for drama: 020 7946 0000-0999
            tail = _digits(rng, 3)
            written, e164 = f"+44 20 7946 0{tail}", f"+442079460{tail}"
        elif choice == 1:  # NANP 555-0100..0199 is reserved for fiction
            area = rng.choice(("201", "212", "312", "415", "617", "718"))
            tail = _digits(rng, 2)
            written = rng.choice(("+1 ({a}) 555-01{t}", "+1 {a}-555-01{t}", "+1 {a} 555 01{t}"))
            written, e164 = written.format(a=area, t=tail), f"+1{area}55501{tail}"
        elif choice == 2:
            n = "9" + _digits(rng, 8)
            written, e164 = f"+886 {n[:3]} {n[3:6]} {n[6:]}", f"+886{n}"
        elif choice == 3:
            n = rng.choice("5689") + _digits(rng, 7)
            written, e164 = f"+852 {n[:4]} {n[4:]}", f"+852{n}"
        elif choice == 4:
            n = "3" + _digits(rng, 8)
            written, e164 = f"+81 3-{n[1:5]}-{n[5:]}", f"+81{n}"
        else:
            n = "30" + _digits(rng, 7)
            written, e164 = f"+49 30 {n[2:]}", f"+49{n}"
        if _valid_phone(e164, None):
            return written, e164


def make_card(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        body = (
            "62" + rng.choice(("2202", "2848", "2700", "1483", "2588", "5908")) + _digits(rng, 12)
        )
    elif kind == 1:
        body = "62" + rng.choice(("2202", "1700", "2262")) + _digits(rng, 9)
    elif kind == 2:
        body = "4" + _digits(rng, 14)
    else:
        body = str(rng.randint(51, 55)) + _digits(rng, 13)
    return body + _luhn_check_digit(body)


def make_bad_card(rng: random.Random) -> str:
    good = make_card(rng)
    return good[:-1] + str((int(good[-1]) + rng.randint(1, 9)) % 10)


_PINYIN = (
    "zhang wang li zhao liu chen yang huang zhou wu xu sun ma zhu hu guo lin he gao "
    "luo xiaoming lili tingting haoran yuxuan zihan wei fang jing lei"
).split()
_EN_WORDS = "john mary alex sam kate tom lucy mark anna peter emma david".split()
_EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.cn", "example.edu")


def make_email(rng: random.Random, lang: str) -> str:
    words = _PINYIN if lang == "zh" else _EN_WORDS
    style = rng.randrange(4)
    if style == 0:
        local = rng.choice(words) + rng.choice(("", ".", "_")) + rng.choice(words)
    elif style == 1:
        local = rng.choice(words) + _digits(rng, rng.randint(2, 4))
    elif style == 2:
        local = str(rng.randint(10000, 9999999999))  # QQ-style numeric mailbox
    else:
        local = rng.choice(words) + "." + rng.choice(words) + _digits(rng, 2)
    return f"{local}@{rng.choice(_EMAIL_DOMAINS)}"


def make_plate(rng: random.Random) -> tuple[str, str]:
    """(written, canonical)."""
    province = rng.choice(PLATE_PROVINCES)
    letter = rng.choice(PLATE_LETTERS)
    if rng.random() < 0.3:  # new-energy plate
        if rng.random() < 0.8:
            body = rng.choice("DF") + rng.choice(PLATE_LETTERS + "0123456789") + _digits(rng, 4)
        else:
            body = _digits(rng, 5) + rng.choice("DF")
    else:
        chars = [rng.choice("0123456789") for _ in range(5)]
        for i in rng.sample(range(5), rng.choice((0, 1, 1, 2))):
            chars[i] = rng.choice(PLATE_LETTERS)
        body = "".join(chars)
    canonical = province + letter + body
    sep = rng.choice(("", "", "·", " ", "-"))
    return province + letter + sep + body, canonical


# Real place names are public geography, not personal data; the street and estate
# names are composed at random, and house numbers are random.
_CN_PLACES = (
    ("北京市", "朝阳区"), ("北京市", "海淀区"), ("上海市", "浦东新区"), ("上海市", "徐汇区"),
    ("广东省深圳市", "南山区"), ("广东省广州市", "天河区"), ("浙江省杭州市", "西湖区"),
    ("江苏省南京市", "鼓楼区"), ("四川省成都市", "武侯区"), ("湖北省武汉市", "洪山区"),
    ("陕西省西安市", "雁塔区"), ("重庆市", "渝中区"), ("天津市", "和平区"),
    ("山东省青岛市", "市南区"), ("福建省厦门市", "思明区"), ("河南省郑州市", "金水区"),
)  # fmt: skip
_CN_STREET_WORDS = (
    "建国 人民 解放 中山 和平 新华 长江 黄河 文化 胜利 光明 幸福 青年 朝阳 振兴 "
    "东风 南京 北京 延安 滨江 科技 学府 望江 春风"
).split()
_CN_STREET_TYPES = ("路", "路", "街", "大道", "东路", "西路", "南路", "北街")
_CN_ESTATES = ("阳光", "翠苑", "锦绣", "金色", "碧桂", "和谐", "绿城", "紫荆", "东方", "滨湖")
_CN_ESTATE_TYPES = ("小区", "花园", "家园", "公寓")


def _cn_number(rng: random.Random, n: int) -> str:
    """A house number, sometimes in Chinese numerals ("八十八")."""
    if rng.random() < 0.15 and n < 100:
        tens, ones = divmod(n, 10)
        return (
            (CN_NUMERALS[tens] if tens > 1 else "") + ("十" if tens else "")
            + (CN_NUMERALS[ones] if ones or not tens else "")
        )  # fmt: skip
    return str(n)


def make_cn_address(rng: random.Random) -> str:
    form = rng.random()
    if form < 0.1:  # a Shanghai-style lane: "长乐路123弄4号502室"
        street = rng.choice(_CN_STREET_WORDS) + "路"
        return f"{street}{rng.randint(1, 999)}弄{rng.randint(1, 60)}号{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
    if form < 0.2:  # countryside: county, town, village, group, house number
        county = rng.choice(("长丰县", "桐城县", "宁乡县", "平阳县", "金堂县"))
        town = rng.choice(("水湖镇", "新桥镇", "花桥镇", "白沙镇"))
        village = rng.choice(("王家村", "李庄村", "红星村", "柳树村"))
        return f"{county}{town}{village}{rng.randint(1, 12)}组{rng.randint(1, 99)}号"
    city, district = rng.choice(_CN_PLACES)
    level = rng.randrange(4)
    head = (city + district) if level < 2 else district if level == 2 else ""
    street = rng.choice(_CN_STREET_WORDS) + rng.choice(_CN_STREET_TYPES)
    number = f"{_cn_number(rng, rng.randint(1, 999))}号"
    parts = [head, street, number]
    if rng.random() < 0.6:
        parts.append(rng.choice(_CN_ESTATES) + rng.choice(_CN_ESTATE_TYPES))
        parts.append(f"{rng.randint(1, 30)}栋")
        if rng.random() < 0.7:
            parts.append(f"{rng.randint(1, 6)}单元")
        parts.append(f"{rng.randint(1, 33)}{rng.randint(1, 4):02d}室")
    elif rng.random() < 0.3:
        parts.append(f"{rng.randint(1, 9)}-{rng.randint(1, 6)}-{rng.randint(101, 2804)}")
    return "".join(parts)


_EN_STREETS = "Baker High Oak Maple Elm Church Station Park Victoria King Mill Cedar".split()
_EN_STREET_TYPES = ("Street", "St", "Road", "Rd", "Avenue", "Ave", "Lane", "Drive", "Close")
_EN_TOWNS = (
    "Springfield, IL 62704", "Riverton, WY 82501", "London NW1 6XE", "Leeds LS1 4AP",
    "Bristol BS1 5TR", "Portland, OR 97201",
)  # fmt: skip


def make_en_address(rng: random.Random) -> str:
    number = str(rng.randint(1, 2400)) + rng.choice(("", "", "", "B", "A"))
    street = f"{number} {rng.choice(_EN_STREETS)} {rng.choice(_EN_STREET_TYPES)}"
    if rng.random() < 0.3:
        street = f"Flat {rng.randint(1, 40)}, {street}"
    if rng.random() < 0.5:
        street += ", " + rng.choice(_EN_TOWNS)
    return street


_CN_SURNAMES = "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林 罗 高 欧阳 司马".split()
_CN_GIVEN = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 子涵 浩然 雨轩".split()
)
_EN_FIRST = "Oliver Amelia Noah Isla Liam Ava Ethan Mia Lucas Grace Harper Leo".split()
_EN_LAST = "Whitfield Ashworth Penhaligon Thistlewood Marlowe Fairbanks Kingsley Hollis".split()


def make_name(rng: random.Random, lang: str) -> str:
    if lang == "zh":
        return rng.choice(_CN_SURNAMES) + rng.choice(_CN_GIVEN)
    return f"{rng.choice(_EN_FIRST)} {rng.choice(_EN_LAST)}"


# ---------------------------------------------------------------------------
# Obfuscations of digit strings.

_FULLWIDTH = {str(i): chr(0xFF10 + i) for i in range(10)}


def _digit_forms(rng: random.Random, digits: str, style: str) -> list[str]:
    if style == "fullwidth":
        return [_FULLWIDTH.get(c, c) for c in digits]
    if style == "chinese":
        table = CN_NUMERALS if rng.random() < 0.7 else CN_CAPITAL_NUMERALS
        return [table[int(c)] if c.isdigit() else c for c in digits]
    if style == "mixed":
        out = []
        for c in digits:
            if not c.isdigit():
                out.append(c)
                continue
            form = rng.randrange(4)
            out.append(
                c if form == 0 else _FULLWIDTH[c] if form == 1
                else CN_NUMERALS[int(c)] if form == 2 else CN_CAPITAL_NUMERALS[int(c)]
            )  # fmt: skip
        return out
    return list(digits)


def obfuscate_digits(rng: random.Random, digits: str, groups: Sequence[int]) -> tuple[str, str]:
    """(written form, name of the obfuscation) of a digit string.

    ``groups``: the customary grouping, used when the style puts separators between
    groups (e.g. 3-4-4 for a mobile number).
    """
    style = rng.choice(
        ("plain", "plain", "spaced", "fullwidth", "zero_width", "chinese", "mixed", "per_digit")
    )
    chars = _digit_forms(rng, digits, style)
    if style == "spaced" or (style in ("fullwidth", "mixed") and rng.random() < 0.5):
        sep = rng.choice((" ", "-", ".", " - ", "\u3000"))
        out, i = [], 0
        for size in groups:
            out.append("".join(chars[i : i + size]))
            i += size
        return sep.join(out), style
    if style == "zero_width":
        out = []
        for i, c in enumerate(chars):
            if i and rng.random() < 0.4:
                out.append(rng.choice(ZERO_WIDTH))
            out.append(c)
        return "".join(out), style
    if style == "per_digit":  # "1 3 8 1 2 3 4 5 6 7 8", "1-3-8-..."
        return rng.choice((" ", "-", ".", "·")).join(chars), style
    return "".join(chars), style


# ---------------------------------------------------------------------------
# Posts.

_ZH_OPENERS = (
    "大家看看这个人，在小区里乱停车还骂人。", "曝光一下这个骗子，已经有好几个人上当了。",
    "这人欠钱不还，大家帮忙转发。", "就是他在网上造谣，今天把他的信息放出来。",
    "有没有人认识这个人？", "同事说这个人最近一直在骚扰她。", "此人人品极差，大家小心。",
    "转发扩散，让更多人看到。", "昨天在地铁上遇到的那个人，有人扒出来了。",
)  # fmt: skip
_ZH_FILLER = (
    "我们已经报警了，警察说会处理。", "真的太过分了，大家评评理。", "希望大家多多转发。",
    "这种人就应该被曝光。", "今天下午又看见他在楼下抽烟。", "有消息的请私信我。",
    "他老婆也不是什么好人。", "前几天还在群里发广告。", "说了好几次都不听。",
    "天气不错，我们去公园散步。", "中午在附近的餐馆吃了饭，味道还可以。",
)  # fmt: skip
_EN_OPENERS = (
    "This guy keeps harassing people in our building.", "Everyone should know who this is.",
    "Found the person who scammed my mum.", "Spread this so he can't hide anymore.",
    "She has been posting lies about my sister for weeks.", "Does anyone recognise him?",
)  # fmt: skip
_EN_FILLER = (
    "We already went to the police.", "Please share as widely as you can.",
    "He still refuses to apologise.", "The weather was lovely on the weekend.",
    "I can't believe people like this exist.", "Let him know what you think of him.",
)  # fmt: skip

_ZH_LABELS = {
    "id_number": ("身份证号", "身份证：", "他的身份证是 ", "身份证号码", ""),
    "mobile": ("电话", "手机：", "手机号 ", "联系方式：", "打这个号码 ", "微信同号", ""),
    "mobile_pair": ("电话：", "他和他老婆的手机 ", "联系电话 "),
    "landline": ("家里座机", "单位电话：", "固话 "),
    "foreign": ("他在国外的号码是 ", "境外电话："),
    "bank_card": ("卡号 ", "银行卡：", "他的银行卡号", "转账账号："),
    "email": ("邮箱", "邮箱：", "email: ", "联系邮箱 "),
    "licence_plate": ("车牌", "车牌号：", "开的车是 ", "他的车"),
    "address": ("住在", "家庭住址：", "地址：", "家在"),
    "protected_name": ("这个人叫", "当事人", "就是", ""),
}
_EN_LABELS = {
    "id_number": ("Chinese ID: ", "his ID number is ", "ID "),
    "mobile": ("his mobile in China is ", "call him on ", "number: "),
    "mobile_pair": ("his numbers: ", "phones "),
    "landline": ("office line ", "home phone: "),
    "foreign": ("his number is ", "call ", "phone: ", "text her at "),
    "bank_card": ("card number ", "his card: ", "send money to card "),
    "email": ("email him at ", "e-mail: ", "contact: "),
    "licence_plate": ("he drives plate ", "car plate: "),
    "address": ("he lives at ", "address: ", "she lives at ", "home: "),
    "protected_name": ("this is ", "her name is ", "it's "),
}

_ID_GROUPS = (6, 8, 4)
_MOBILE_GROUPS = (3, 4, 4)


class _Post:
    """A post assembled piece by piece, remembering where planted values went."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.planted: list[Planted] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def plant(self, kind: str, written: str, normalized: str, obfuscation: str) -> None:
        start = self.length
        self.add(written)
        self.planted.append(Planted(kind, start, self.length, written, normalized, obfuscation))

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _plant_value(post: _Post, rng: random.Random, lang: str, what: str) -> str | None:
    """Plant one value of kind ``what``; returns a protected name when it plants one."""
    labels = _ZH_LABELS if lang == "zh" else _EN_LABELS
    post.add(rng.choice(labels[what]))
    if what == "id_number":
        value = make_id_number(rng)
        written, style = obfuscate_digits(rng, value, _ID_GROUPS)
        post.plant("id_number", written, value, style)
    elif what == "mobile":
        value = make_mobile(rng)
        written, style = obfuscate_digits(rng, value, _MOBILE_GROUPS)
        if rng.random() < 0.2 and style != "chinese":
            prefix = rng.choice(("+86 ", "+86-", "+86", "0086 ", "(+86) ", "86-"))
            written, style = prefix + written, style + "+cc"
        post.plant("phone", written, "+86" + value, style)
    elif what == "mobile_pair":  # "13812345678/13987654321": two numbers, one run
        first, second = make_mobile(rng), make_mobile(rng)
        post.plant("phone", first, "+86" + first, "pair")
        post.add(rng.choice(("/", " ", "、", " / ", "，")))
        post.plant("phone", second, "+86" + second, "pair")
    elif what == "landline":
        area, subscriber = make_landline(rng)
        sep = rng.choice(("-", " ", "", "-"))
        written = f"({area}) {subscriber}" if rng.random() < 0.2 else f"{area}{sep}{subscriber}"
        post.plant("phone", written, "+86" + area[1:] + subscriber, "plain")
    elif what == "foreign":
        written, e164 = make_foreign_phone(rng)
        post.plant("phone", written, e164, "international")
    elif what == "bank_card":
        value = make_card(rng)
        groups = (4,) * (len(value) // 4) + ((len(value) % 4,) if len(value) % 4 else ())
        written, style = obfuscate_digits(rng, value, groups)
        post.plant("bank_card", written, value, style)
    elif what == "email":
        value = make_email(rng, lang)
        written, style = _obfuscate_email(rng, value)
        post.plant("email", written, value.lower(), style)
    elif what == "licence_plate":
        written, canonical = make_plate(rng)
        post.plant("licence_plate", written, canonical, "plain")
    elif what == "address":
        written = make_cn_address(rng) if lang == "zh" else make_en_address(rng)
        post.plant("address", written, " ".join(written.split()).casefold(), "plain")
    elif what == "protected_name":
        name = make_name(rng, lang)
        written, style = name, "plain"
        if lang == "zh" and rng.random() < 0.3:
            gap = rng.choice((" ", "\u200b", "·"))
            written, style = gap.join(name), "spaced"
        post.plant("protected_name", written, " ".join(name.split()).casefold(), style)
        return name
    return None


def _obfuscate_email(rng: random.Random, value: str) -> tuple[str, str]:
    style = rng.randrange(6)
    if style == 0:
        local, domain = value.split("@")
        return f"{local} (at) {domain.replace('.', ' (dot) ')}", "at_dot"
    if style == 1:
        return value.replace("@", "＠"), "fullwidth"
    if style == 2:
        i = rng.randrange(1, len(value) - 1)
        return value[:i] + rng.choice(ZERO_WIDTH) + value[i:], "zero_width"
    if style == 3:
        return value.replace("@", "[at]"), "at_dot"
    return value, "plain"


def _hard_negative(rng: random.Random, lang: str) -> tuple[str, str]:
    """(text, name) of a look-alike that is not personal information."""
    choice = rng.randrange(14)
    zh = lang == "zh"
    if choice == 0:
        stamp = date(2020, 1, 1) + timedelta(days=rng.randrange(1800))
        number = f"{stamp:%Y%m%d}" + _digits(rng, rng.randint(10, 14))
        return (f"订单号 {number}" if zh else f"Order #{number}"), "order_number"
    if choice == 1:
        number = _digits(rng, rng.randint(16, 19))
        return (f"订单编号：{number}" if zh else f"order no. {number}"), "order_number"
    if choice == 2:
        seconds = rng.randint(1_500_000_000, 1_800_000_000)
        stamp = str(seconds * 1000 + rng.randint(0, 999)) if rng.random() < 0.5 else str(seconds)
        return (f"时间戳 {stamp}" if zh else f"timestamp {stamp}"), "timestamp"
    if choice == 3:
        day = date(2019, 1, 1) + timedelta(days=rng.randrange(2500))
        clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        form = rng.choice((f"{day:%Y-%m-%d} {clock}", f"{day:%Y%m%d}{clock.replace(':', '')}"))
        return (f"发布于 {form}" if zh else f"posted {form}"), "timestamp"
    if choice == 4:
        bad = make_bad_id_number(rng)
        written, _ = obfuscate_digits(rng, bad, _ID_GROUPS)
        return (f"身份证号 {written}" if zh else f"ID {written}"), "wrong_check_id"
    if choice == 5:
        bad = make_bad_card(rng)
        return (f"卡号 {bad}" if zh else f"card {bad}"), "wrong_check_card"
    if choice == 6:
        number = "1" + rng.choice("012") + _digits(rng, 9)  # no mainland mobile starts so
        return (f"电话 {number}" if zh else f"phone {number}"), "invalid_phone"
    if choice == 7:
        code = rng.choice(("SF", "YT", "JD", "ZT")) + _digits(rng, 13)
        plain = _digits(rng, rng.randint(12, 15))
        text = (
            rng.choice((f"快递单号 {code}", f"运单号：{plain}"))
            if zh
            else f"tracking number {code}"
        )
        return text, "tracking_number"
    if choice == 8:
        price = f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}.{rng.randint(0, 99):02d}"
        return (f"这台电脑花了 ¥{price}，" if zh else f"The laptop cost ${price}, "), "price"
    if choice == 9:
        year = rng.randint(1980, 2023)
        month = rng.randint(1, 12)
        return (
            f"{year}年{month}月{rng.randint(1, 28)}日我们搬了家，三年后又搬了一次。"
            if zh else f"On {month}/{rng.randint(1, 28)}/{year} we moved house, 3 years later again."
        ), "date_prose"  # fmt: skip
    if choice == 10:
        host = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        coords = f"{rng.uniform(18, 53):.4f}, {rng.uniform(73, 135):.4f}"
        url = f"https://example.com/post/{rng.randint(10**11, 10**12)}"
        return rng.choice(
            (f"IP {host}", f"坐标 {coords}" if zh else f"at {coords}", url)
        ), "network"
    if choice == 11:
        hotline = rng.choice(("400-820-8820", "95588", "12345", "800-810-1234", "10086"))
        return (f"客服热线 {hotline}" if zh else f"customer service {hotline}"), "hotline"
    if choice == 12:
        count = rng.randint(1, 3)
        seq = " ".join(str(i) for i in range(count, count + rng.randint(7, 10)))
        return (f"排名 {seq}" if zh else f"steps {seq}"), "sequence"
    isbn = f"978-7-{rng.randint(100, 999)}-{rng.randint(10000, 99999)}-{rng.randint(0, 9)}"
    code = f"{rng.randint(100000, 999999)}"
    model = (
        f"型号 XR-{rng.randint(10**9, 10**10)}" if zh else f"model XR-{rng.randint(10**9, 10**10)}"
    )
    return (
        rng.choice((f"书号 ISBN {isbn}", f"验证码 {code}，五分钟内有效", model))
        if zh else rng.choice((f"ISBN {isbn}", f"your code is {code}", model))
    ), "reference"  # fmt: skip


_KIND_WEIGHTS = (
    ("id_number", 5), ("mobile", 5), ("mobile_pair", 1), ("landline", 1), ("foreign", 2), ("bank_card", 4),
    ("email", 3), ("licence_plate", 2), ("address", 3), ("protected_name", 2),
)  # fmt: skip


def _sample(rng: random.Random, sample_id: int) -> Sample:
    lang = "zh" if rng.random() < 0.7 else "en"
    openers, filler = (_ZH_OPENERS, _ZH_FILLER) if lang == "zh" else (_EN_OPENERS, _EN_FILLER)
    gap = "" if lang == "zh" else " "
    stop = "，" if lang == "zh" else ", "
    post = _Post()
    post.add(rng.choice(openers) + gap)
    kinds = [k for k, _ in _KIND_WEIGHTS]
    weights = [w for _, w in _KIND_WEIGHTS]
    n_values = rng.choice((0, 1, 1, 2, 2, 3))
    n_negatives = rng.choice((0, 1, 1, 2))
    items = [("value", k) for k in rng.choices(kinds, weights, k=n_values)]
    items += [("negative", "")] * n_negatives
    rng.shuffle(items)
    names: list[str] = []
    negatives: list[str] = []
    for item, what in items:
        if item == "value":
            name = _plant_value(post, rng, lang, what)
            if name is not None:
                names.append(name)
        else:
            text, label = _hard_negative(rng, lang)
            post.add(text)
            negatives.append(label)
        post.add(stop if rng.random() < 0.7 else ("。" if lang == "zh" else ". "))
        if rng.random() < 0.4:
            post.add(rng.choice(filler) + gap)
    post.add(rng.choice(filler))
    if rng.random() < 0.3:  # a protected person the post does not mention
        names.append(make_name(rng, lang))
    return Sample(
        id=sample_id,
        lang=lang,
        text=post.text,
        planted=tuple(post.planted),
        protected_names=tuple(names),
        hard_negatives=tuple(negatives),
    )


def generate(n: int, seed: int = 0) -> list[Sample]:
    """``n`` posts, the same ones for the same seed."""
    rng = random.Random(seed)
    return [_sample(rng, i) for i in range(n)]


# ---------------------------------------------------------------------------
# Scoring.


def _same_place(kind: str, finding: Finding, planted: Planted) -> bool:
    if kind in EXACT_SPAN_KINDS:
        return finding.start == planted.start and finding.end == planted.end
    return finding.start < planted.end and planted.start < finding.end


def evaluate(
    samples: Iterable[Sample],
    scan_fn: Callable[..., list[Finding]] = scan,
) -> dict[str, KindScore]:
    """Precision and recall per kind.

    A finding is a true positive when it has the kind of a planted value and the same
    span (overlapping spans for addresses and names, see EXACT_SPAN_KINDS); each planted
    value matches at most one finding. Everything else found is a false positive, every
    planted value left unmatched a false negative.
    """
    counts = {kind: [0, 0, 0] for kind in KINDS}  # true positives, false positives, misses
    for sample in samples:
        findings = scan_fn(sample.text, protected_names=sample.protected_names)
        unmatched = list(sample.planted)
        for finding in findings:
            match = next(
                (
                    p
                    for p in unmatched
                    if p.kind == finding.type and _same_place(p.kind, finding, p)
                ),
                None,
            )
            if match is None:
                counts[finding.type][1] += 1
            else:
                counts[finding.type][0] += 1
                unmatched.remove(match)
        for missed in unmatched:
            counts[missed.kind][2] += 1
    return {kind: KindScore(kind, *c) for kind, c in counts.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
