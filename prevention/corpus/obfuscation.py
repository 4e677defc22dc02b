"""The ways people hide digits, names and e-mail addresses in posts."""

from __future__ import annotations

import random
from collections.abc import Sequence

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


NUMBER_STYLES_ZH = (
    "plain", "plain", "plain", "spaced", "per_digit", "fullwidth", "chinese", "mixed",
    "zero_width", "emoji", "homoglyph", "line_break",
)  # fmt: skip
NUMBER_STYLES_EN = (
    "plain", "plain", "plain", "spaced", "per_digit", "zero_width", "emoji", "homoglyph",
    "line_break", "spelled",
)  # fmt: skip


# ---------------------------------------------------------------------------
# Names.

# Cyrillic letters that look like Latin ones, swapped into names to dodge filters.
_CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у",
             "A": "А", "B": "В", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О",
             "P": "Р", "C": "С", "T": "Т", "X": "Х", "i": "і", "j": "ј", "s": "ѕ"}  # fmt: skip


# Digits typed for the letters they look like ("J0hn Sm1th").
_LEET_DIGITS = {"o": "0", "O": "0", "i": "1", "I": "1", "l": "1", "e": "3", "a": "4", "s": "5", "t": "7"}


def obfuscate_name(rng: random.Random, name: str, lang: str) -> tuple[str, str]:
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
    if r < 0.62:
        chars = list(name)
        spots = [i for i, c in enumerate(chars) if c in _LEET_DIGITS]
        if spots:
            for i in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
                chars[i] = _LEET_DIGITS[chars[i]]
            return "".join(chars), "digits_for_letters"
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


def obfuscate_email(rng: random.Random, value: str, lang: str) -> tuple[str, str, str]:
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
        gap = rng.choice(("", "", " "))  # "zhang 艾特 qq 点 com"
        dot = dot if dot == "." else f"{gap}{dot}{gap}"
        return f"{local}{gap}{at}{gap}{domain.replace('.', dot)}", "chinese_at", ""
    if r == 7:
        if rng.random() < 0.4:
            return value.replace("@", " @ "), "spaced_at", ""
        return value.replace("@", "＠"), "fullwidth", ""
    if r == 8:
        i = rng.randrange(1, len(value) - 1)
        return value[:i] + rng.choice(_ZERO_WIDTH) + value[i:], "zero_width", ""
    return value.upper() if rng.random() < 0.5 else value.capitalize(), "case", ""


