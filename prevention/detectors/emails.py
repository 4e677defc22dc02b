"""E-mail addresses, written plainly or with the at sign and the dots disguised."""

from __future__ import annotations

import re
import unicodedata

from prevention.detectors.chars import TOKEN_CHARS
from prevention.detectors.findings import Finding
from prevention.detectors.labels import keyword_pattern
from prevention.detectors.normalize import (
    ZERO_WIDTH,
    fold,
    strip_zero_width,
)

# Top-level domains an address may end in: the generic ones in common use and every
# ISO 3166-1 alpha-2 country code (IANA root zone). File extensions are not among them,
# which keeps "icon@2x.png" quiet.
_TLDS = frozenset(
    """com net org edu gov mil int info biz name pro mobi asia io co me tv cc app dev xyz
    top vip site online shop club store tech ai live email link cloud work fun ltd group
    ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br
    bs bt bw by bz ca cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz
    ec ee eg er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt
    gu gw gy hk hm hn hr ht hu id ie il im in iq ir is it je jm jo jp ke kg kh ki km kn kp
    kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md mg mh mk ml mm mn mo mp mq mr ms
    mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn
    pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st sv sx
    sy sz tc td tf tg th tj tk tl tm tn to tr tt tw tz ua ug uk us uy uz va vc ve vg vi vn
    vu wf ws ye yt za zm zw""".split()
)
# Mail providers people name in words ("zhangsan at qq dot com").
_MAIL_PROVIDERS = frozenset(
    "gmail googlemail yahoo hotmail outlook live msn aol icloud me mac protonmail proton qq "
    "foxmail 163 126 yeah sina sohu 139 189 aliyun tom 21cn example".split()
)

# The at sign's forms are found by the main scan (_SCAN); the spaces around a
# bracketed form are taken in _email_at.
_BARE_AT = re.compile(r"[ \t]+(?:at|AT)[ \t]+")
_DOT_FORMS = (
    r"\.|[ \t]?[(\[{（【][ \t]?(?:dot|DOT|\.)[ \t]?[)\]}）】][ \t]?|[ \t]+(?:dot|DOT)[ \t]+|[ \t]?[点點][ \t]?|。"
)
_EMAIL_LOCAL_REVERSED = re.compile(rf"[A-Za-z0-9._%+\-{ZERO_WIDTH}]{{1,64}}")
_EMAIL_LABEL = rf"[A-Za-z0-9\-{ZERO_WIDTH}]+"
_EMAIL_DOMAIN = re.compile(rf"{_EMAIL_LABEL}(?:(?:{_DOT_FORMS}){_EMAIL_LABEL}){{1,6}}")
_EMAIL_DOT = re.compile(_DOT_FORMS)
_LOCAL_DOT_WORD_REVERSED = re.compile(r"[ \t](?:tod|TOD)[ \t][A-Za-z0-9_\-]{1,30}(?![A-Za-z0-9])")
# "replace # with @", "把#改成@", "(# = @)": the symbol the poster typed for the at sign.
# Matched on the few characters before an at sign, up to it.
_AT_HINT = re.compile(
    r"(?:把\s*(\S)\s*(?:改成|换成|替换为|替换成|换为|改为)"
    r"|(\S)\s*(?:换成|换|改成|改为|替换为)"
    r"|(?i:replace|swap)\s+(?:the\s+)?(\S)\s+(?i:with|for|by)"
    r"|(\S)\s*(?:=|->|→|=>|means|代表))\s*@$"
)
_EMAIL_HINT_WORDS = keyword_pattern(
    "email e-mail mail 邮箱 邮件 联系 contact write reach".split()
)
_IMAGE_SCALE = re.compile(r"[0-9]+(?:\.[0-9]+)?x", re.IGNORECASE)
_EMAIL_CANONICAL = re.compile(
    r"[a-z0-9](?:[a-z0-9._%+\-]{0,62}[a-z0-9_%+\-])?@"
    r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}"
)
_EDGE_JUNK = "._%+-" + ZERO_WIDTH
_NORMALIZE_AT = re.compile(
    r"[ \t]*(?:[(\[{<（【][ \t]?(?:at|@)[ \t]?[)\]}>）】]|[ \t]at[ \t]|艾特|圈圈?a|小老鼠|@)[ \t]*"
)
_NORMALIZE_DOT = re.compile(
    r"[ \t]*(?:[(\[{（【][ \t]?(?:dot|\.)[ \t]?[)\]}）】]|[ \t]dot[ \t]|点|點|。|\.)[ \t]*"
)


_AT_STAND_INS = "#*&$"
_LOCAL_DOT_WORDS = re.compile(r"[ \t]dot[ \t]|[(\[][ \t]?dot[ \t]?[)\]]")


def email_normalized(raw: str) -> str | None:
    text = raw.strip().lower()
    if not text.isascii() or not _EMAIL_CANONICAL.fullmatch(text):
        text = strip_zero_width(unicodedata.normalize("NFKC", fold(raw))).strip().lower()
        at = _NORMALIZE_AT.search(text)
        if at is None:
            # "zhang#example.com": a symbol typed for the at sign (the caller, or the
            # hint in the post, says it is an address).
            symbol = next((s for s in _AT_STAND_INS if text.count(s) == 1), None)
            if symbol is None:
                return None
            text = text.replace(symbol, "@")
            at = _NORMALIZE_AT.search(text)
            if at is None:
                return None
        local, domain = text[: at.start()], text[at.end() :]
        local = _LOCAL_DOT_WORDS.sub(".", local)
        text = local + "@" + _NORMALIZE_DOT.sub(".", domain)
    if text.count("@") != 1 or ".." in text or not _EMAIL_CANONICAL.fullmatch(text):
        return None
    return text


def _at_hint(folded: str, ats: list[tuple[int, int, str]]) -> str | None:
    for start, end, form in ats:
        if form != "@":
            continue  # only a plain at sign ends a hint
        m = _AT_HINT.search(folded, max(0, start - 20), end)
        if m is not None:
            symbol = next(g for g in m.groups() if g is not None)
            if symbol in _AT_STAND_INS:
                return symbol
    return None


# A local part written with " at " is only taken when it looks like one (a digit, a dot or
# an underscore; the local part holds ASCII only, see _EMAIL_LOCAL_REVERSED).
_DIGIT_OR_DOT = re.compile("[0-9._]")
_HINT_WORD = re.compile("[改换替代=→>]|eplace|wap|means")




def scan_emails(
    text: str, folded: str, ats: list[tuple[int, int, str]], out: list[Finding]
) -> None:
    """E-mail addresses around the at signs the main scan found (``ats``: start, end
    and text of each), around a symbol a hint says stands for @, and around " at "."""
    for start, end, _ in ats:
        at_form = folded[start:end]
        found = _email_at(text, folded, start, end, at_form)
        if found is not None:
            out.append(found)
    if ats and _HINT_WORD.search(folded) is not None:
        hint = _at_hint(folded, ats)
        if hint is not None:
            i = folded.find(hint)
            while i >= 0:
                found = _email_at(text, folded, i, i + 1, hint)
                if found is not None:
                    out.append(found)
                i = folded.find(hint, i + 1)
    # "zhangsan at example dot com": every " at " is a candidate, tried by position.
    for word in (" at ", " AT "):
        i = folded.find(word)
        while i >= 0:
            # Only worth a look when a dot, written or spelled, follows soon.
            at = None
            if folded.find(".", i, i + 70) >= 0 or folded.find(" dot ", i, i + 70) >= 0 or (
                folded.find(" DOT ", i, i + 70) >= 0
            ):
                at = _BARE_AT.match(folded, i)
            if at is not None:
                found = _email_at(text, folded, at.start(), at.end(), at.group())
                if found is not None:
                    out.append(found)
            i = folded.find(word, i + 3)


def _email_at(text: str, folded: str, at: int, at_end: int, at_form: str) -> Finding | None:
    if at_form[0] in "([{<（【艾圈" or at_form == "@":
        # "zhang (at) example.com", "zhang @ example.com", "zhang 艾特 qq 点 com": spaces
        # around the at sign.
        if at and folded[at - 1] in " \t":
            at -= 1
        if at_end < len(folded) and folded[at_end] in " \t":
            at_end += 1
    local = _EMAIL_LOCAL_REVERSED.match(folded[max(0, at - 64) : at][::-1])
    domain = _EMAIL_DOMAIN.match(folded, at_end)
    if local is None or domain is None:
        return None
    start = at - local.end()
    while start < at and folded[start] in _EDGE_JUNK:
        start += 1
    if start == at or (start and folded[start - 1] in TOKEN_CHARS):
        return None
    if at_form.strip() in ("at", "AT"):
        # "john dot smith at gmail dot com": dots of the local part spelled out too.
        while (word := _LOCAL_DOT_WORD_REVERSED.match(folded[max(0, start - 40) : start][::-1])) is not None:
            start -= word.end()
    first_label = _EMAIL_DOT.split(domain.group(), maxsplit=1)[0]
    if _IMAGE_SCALE.fullmatch(first_label):
        return None  # "icon@2x.png", "logo@3x.webp": image assets, not addresses
    bare = at_form.strip() in ("at", "AT")
    if bare:
        local_part = folded[start:at]
        plausible = (
            _DIGIT_OR_DOT.search(local_part) is not None
            or first_label.lower() in _MAIL_PROVIDERS
            or _EMAIL_HINT_WORDS.search(folded, max(0, start - 24), start) is not None
        )
        if not plausible or " dot " not in domain.group().lower() and "." not in domain.group():
            return None
    # Drop labels from the right until the domain ends in a top-level domain: a
    # domain may run on into the next sentence ("…@example.net。4-6-6…").
    dots = list(_EMAIL_DOT.finditer(folded, at_end, domain.end()))
    end = domain.end()
    for dot in reversed(dots):
        tld = folded[dot.end() : end].lower()
        if not tld.isascii():
            tld = strip_zero_width(tld)
        if tld in _TLDS and (dot.group() != "。" or tld in ("com", "cn", "net", "org")):
            break
        end = dot.start()
    else:
        return None
    while end > at_end and folded[end - 1] in _EDGE_JUNK:
        end -= 1
    value = text[start:end]
    normalized = email_normalized(value)
    if normalized is None:
        return None
    obfuscated = value.lower() != normalized
    rule = "email.obfuscated" if obfuscated else "email.address"
    return Finding("email", start, end, value, normalized, 0.95 if not bare else 0.85, rule, obfuscated)
