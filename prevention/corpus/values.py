"""Valid values from Faker's zh_CN and en_US providers, addresses in the shapes they
are written in."""

from __future__ import annotations

import random
import re

import phonenumbers
from faker import Faker

from prevention.corpus.judge import judge

# ---------------------------------------------------------------------------
# Values, from Faker.

_CN_AREA_CODES = (
    "010 020 021 022 023 024 025 027 028 029 0311 0351 0371 0431 0451 0512 0531 0532 "
    "0551 0571 0574 0591 0592 0731 0755 0757 0769 0871 0898"
).split()


class Values:
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


def cn_address(v: Values) -> tuple[str, str]:
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


def spaced_cjk(rng: random.Random, text: str) -> str:
    sep = rng.choice((" ", " ", "\u3000", "·", "\u200b"))
    return sep.join(text.replace(" ", ""))


_CJK_LATIN_BOUNDARY = re.compile(
    "(?<=[\u4e00-\u9fff])(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])(?=[\u4e00-\u9fff])"
)


def cjk_latin_spaced(text: str) -> str:
    """``text`` with a space wherever Chinese meets a Latin letter or digit, as many
    people type ("建国路 88 号 3 栋")."""
    return _CJK_LATIN_BOUNDARY.sub(" ", text)


def en_address(v: Values) -> tuple[str, str]:
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


