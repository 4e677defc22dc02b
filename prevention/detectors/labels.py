"""What is said just before a number: phone labels, reference and order words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from prevention.detectors.normalize import (
    char_class,
)


def keyword_pattern(words: Sequence[str]) -> re.Pattern[str]:
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
_REFERENCE_WORDS = keyword_pattern(
    "订单 单号 运单 快递 物流 流水 交易号 编号 工单 批次 序列号 批号 发票 票号 验证码 邮编 "
    "order tracking invoice serial reference ref: ref. ticket waybill parcel isbn "
    "transaction shipment booking "
    # Gift, voucher and activation codes are written like phone or card numbers.
    "兑换码 礼品码 礼品卡 激活码 卡密 券码 优惠码 充值码 提货码 取件码 "
    "gift voucher coupon promo redeem redemption activation cdkey".split()
)
_CONTACT_WORDS = keyword_pattern(
    "电话 手机 联系 致电 打给 卡号 银行卡 账号 帐号 信用卡 储蓄卡 "
    "phone mobile tel call text whatsapp card account".split()
)
# Labels that say the next number is a phone number: a bare ten-digit number is taken
# as North American only after one of them.
_PHONE_WORDS = keyword_pattern(
    "电话 手机 致电 打给 号码 phone mobile cell tel call text number reach whatsapp".split()
)


# A label only speaks for the number in its own clause: "运单号：9540…，138…" labels
# the first number, not the second.
_CLAUSE_BREAK = re.compile(r"[，,;；。!！?？\n]|\.\s+[A-Z]")


def labelled_as_phone(text: str, start: int) -> bool:
    low = max(0, start - _CONTEXT_WINDOW)
    label = _PHONE_WORDS.search(text, low, start)
    if label is None:
        return False
    last = label
    while (later := _PHONE_WORDS.search(text, last.end(), start)) is not None:
        last = later
    return _CLAUSE_BREAK.search(text, last.end(), start) is None


# Words that say a number is North American, where a Chinese post gives one ("他美国的电话
# 7635597772", "美国号码："): there a bare ten-digit number is otherwise a date, a code or
# a mainland number missing a digit.
_NORTH_AMERICA_WORDS = keyword_pattern("美国 美國 加拿大 北美 USA".split())


def labelled_as_north_american(text: str, start: int) -> bool:
    label = _NORTH_AMERICA_WORDS.search(text, max(0, start - _CONTEXT_WINDOW), start)
    return label is not None and _CLAUSE_BREAK.search(text, label.end(), start) is None


def labelled_as_reference(text: str, start: int) -> bool:
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
