"""Posts assembled from openers, labels, planted values, look-alikes and filler."""

from __future__ import annotations

import random

from prevention.corpus.judge import judge
from prevention.corpus.negatives import hard_negative
from prevention.corpus.obfuscation import (
    NUMBER_STYLES_EN,
    NUMBER_STYLES_ZH,
    obfuscate_digits,
    obfuscate_email,
    obfuscate_name,
)
from prevention.corpus.samples import Negative, Planted, Sample
from prevention.corpus.values import Values, cjk_latin_spaced, cn_address, en_address, spaced_cjk

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


def _plant_value(post: _Post, v: Values, lang: str, what: str) -> str | None:
    """Plant one value of kind ``what``; returns a protected name when it plants one."""
    rng = v.rng
    labels = _ZH_LABELS if lang == "zh" else _EN_LABELS
    styles = NUMBER_STYLES_ZH if lang == "zh" else NUMBER_STYLES_EN
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
        written, style, after = obfuscate_email(rng, value, lang)
        post.plant("email", written, value, style)
        post.add(after)
    elif what == "licence_plate":
        written, canonical = v.plate()
        post.plant("licence_plate", written, canonical, "plain")
    elif what == "address":
        _plant_address(post, v, lang)
    elif what == "protected_name":
        name = v.name(lang)
        written, style = obfuscate_name(rng, name, lang)
        post.plant("protected_name", written, name, style)
        return name
    return None


def _sample(v: Values, sample_id: int) -> Sample:
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
            before, text, after, label = hard_negative(rng, v, lang)
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
    values = Values(seed, rng)
    return [_sample(values, i) for i in range(n)]


def _plant_address(post: _Post, v: Values, lang: str) -> None:
    if lang == "zh":
        value, form = cn_address(v)
        written = value
        draw = v.rng.random()
        if draw < 0.15:
            written, form = spaced_cjk(v.rng, value), "spaced"
        elif draw < 0.3:
            written, form = cjk_latin_spaced(value), "cjk_latin_spacing"
        post.plant("address", written, value, form)
    else:
        value, form = en_address(v)
        post.plant("address", value, value, form)


