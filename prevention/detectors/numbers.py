"""Digit runs: whether a run is an ID number, a card or a phone, or a split of it into
several, and what keeps dates, versions, codes and URLs quiet."""

from __future__ import annotations

import re

from prevention.detectors.cards import valid_card
from prevention.detectors.chars import (
    ASCII_LETTERS,
    DIGIT_CHARS,
    DIGIT_GROUP,
    LOOKALIKE_CHARS,
    LOOKALIKE_SET,
    PLAIN_NUMBER_CHARS,
    TOKEN_CHARS,
)
from prevention.detectors.findings import PHONE_ONLY, Finding
from prevention.detectors.ids import id_shaped, valid_id_number
from prevention.detectors.labels import (
    labelled_as_north_american,
    labelled_as_phone,
    labelled_as_reference,
)
from prevention.detectors.normalize import (
    CHECK_X,
    char_class,
    to_digits,
)
from prevention.detectors.phones import (
    CJK,
    IN_CHINESE,
    LABELLED,
    PHONE_EXTENSION,
    UNLABELLED,
    phone,
)

_MAX_PIECE_DIGITS = 19
_CODE_DIGITS_AND_GAP = re.compile(f"[0-9]+[^0-9{DIGIT_CHARS}]+(?={char_class(DIGIT_CHARS)})")
_CODE_PREFIX_REVERSED = re.compile(r"[-_]([A-Za-z0-9]{1,12})")
_LABEL_PREFIXES = frozenset("tel ph phone mob mobile cell call qq wx vx id no num fax".split())
_YEAR = re.compile(r"(?:19|20)[0-9][0-9]")


def number_kind(
    digits: str, plus: bool, raw: str | None, wanted: frozenset[str], labelled_phone: int
) -> tuple[str, str, float, str] | None:
    """What a digit run is, if anything: (kind, normalized, confidence, rule)."""
    n = len(digits)
    if plus:
        if "phone" in wanted and (hit := phone(digits, True, raw, labelled_phone)) is not None:
            return "phone", hit[0], 0.9, hit[1]
        return None
    if n == 18 and "id_number" in wanted and valid_id_number(digits):
        return "id_number", digits, 0.99, "id_number.gb11643"
    if digits[-1] == "X":
        return None
    if (
        12 <= n <= 19
        and "bank_card" in wanted
        and valid_card(digits)
        and not (n == 18 and id_shaped(digits))
    ):
        return "bank_card", digits, 0.9, "bank_card.luhn"
    if n <= 15 and "phone" in wanted and (hit := phone(digits, False, raw, labelled_phone)) is not None:
        return "phone", hit[0], 0.9, hit[1]
    return None


HAS_LOOKALIKE = re.compile(char_class(LOOKALIKE_CHARS))


def _lookalike_bounds(folded: str, start: int, end: int) -> tuple[int, int] | None:
    """The run ``folded[start:end]`` without letters that belong to words.

    Letters typed for digits count only where they touch a digit and no other letter:
    "l38OOl2345" is a number, "138 or" ends before "or".
    """
    if (start == 0 or folded[start - 1] not in LOOKALIKE_SET) and HAS_LOOKALIKE.search(
        folded, start, end
    ) is None:
        return start, end  # the common case
    i = start
    while i > 0 and folded[i - 1] in LOOKALIKE_SET:
        i -= 1
    if i < start and (i == 0 or folded[i - 1] not in ASCII_LETTERS):
        start = i
    elif i < start:
        return None  # the run continues a word ("No1380…")
    j = start
    while j < end:
        c = folded[j]
        if c in LOOKALIKE_SET:
            k = j
            while k < end and folded[k] in LOOKALIKE_SET:
                k += 1
            # The X closing an ID number is no word letter ("…2590oX": o, then the X).
            closing_x = k == end - 1 and folded[k] in CHECK_X
            word = (k < len(folded) and folded[k] in ASCII_LETTERS and not closing_x) or (
                j > 0 and folded[j - 1] in ASCII_LETTERS
            )
            touches = (j > 0 and folded[j - 1].isdigit()) or (k < len(folded) and folded[k].isdigit())
            if word or not touches:
                end = j
                break
            j = k
            continue
        j += 1
    while end > start and not (folded[end - 1].isdigit() or folded[end - 1] in DIGIT_CHARS or folded[end - 1] in LOOKALIKE_SET or folded[end - 1] in CHECK_X):
        end -= 1
    return start, end


# Runs that need no splitting into groups: digits, and an ID number's final X.
_PLAIN_RUN = re.compile(r"[0-9]+[Xx]?")
# A run that may hold a date, a version or an IPv4 address (see _blocked_groups).
_DATE_OR_VERSION = re.compile(
    r"(?:19|20)[0-9]{2}[/.\-][0-9]{1,2}[/.\-]|[/.\-][0-9]{1,2}[/.\-](?:19|20)[0-9]{2}"
    r"|[0-9]\.[0-9]+\.[0-9]"
)


def _context(folded: str, start: int) -> int:
    if CJK.search(folded, max(0, start - 12), start) is None:
        return LABELLED if labelled_as_phone(folded, start) else UNLABELLED
    # In Chinese a bare ten-digit number is a date, a code, a reference or a mainland
    # number missing a digit, unless the post says it is a North American phone number.
    if labelled_as_phone(folded, start) and labelled_as_north_american(folded, start):
        return LABELLED
    return IN_CHINESE


_URL_TOKEN_REVERSED = re.compile(r"[!-~]{1,200}")


def _in_url(folded: str, start: int) -> bool:
    """Whether the run is part of a URL ("https://example.com/post/5798…")."""
    m = _URL_TOKEN_REVERSED.match(folded[max(0, start - 200) : start][::-1])
    token = m.group()[::-1] if m else ""
    return "://" in token or token.startswith("www.")


def _part_of_code(folded: str, start: int) -> bool:
    """Whether the run continues a code such as "XR-1380…" or "GC_5821…"."""
    m = _CODE_PREFIX_REVERSED.match(folded[max(0, start - 13) : start][::-1])
    if m is None:
        return False
    token = m.group(1)[::-1]
    if token.lower() in _LABEL_PREFIXES:
        return False
    return any(c.isdigit() for c in token) or (len(token) >= 2 and token.isupper())


def _blocked_groups(groups: list[tuple[int, int, str]], raw: str) -> set[int] | None:
    """Indexes of groups that are dates; None when the run is a version string.

    "1993/2/21 - 1994", "2019.03.15-2020.01.02", "21/2/1993": day, month and year with
    one separator, and a year joined to such a date by a range separator, are dates,
    never parts of a phone number. "13.8.1234.5678": dot-separated groups starting with
    a short one are a version.
    """
    count = len(groups)
    seps = [raw[groups[i][1] : groups[i + 1][0]] for i in range(count - 1)]
    if (
        count >= 3
        and all(s == "." for s in seps)
        and len(groups[0][2]) <= 2
        and any(len(g[2]) > 1 for g in groups)
    ):
        return None
    blocked: set[int] = set()
    # Within a longer run, a version ("1.8.2689.668…") or an IPv4 address is never part
    # of a number either.
    i = 0
    while i < count:
        j = i
        while j + 1 < count and seps[j] == ".":
            j += 1
        dotted = groups[i : j + 1]
        sizes = [len(g[2]) for g in dotted]
        if len(dotted) >= 3 and sizes[0] <= 2 and max(sizes) > 1:
            blocked.update(range(i, j + 1))
        elif len(dotted) == 4 and max(sizes) <= 3 and all(int(g[2]) <= 255 for g in dotted):
            blocked.update(range(i, j + 1))
        i = j + 1
    for i in range(count - 2):
        a, b, c = (len(groups[k][2]) for k in (i, i + 1, i + 2))
        sep = seps[i].strip()
        if sep not in ("/", "-", ".") or seps[i + 1].strip() != sep:
            continue
        da, db, dc = groups[i][2], groups[i + 1][2], groups[i + 2][2]
        ymd = a == 4 and _YEAR.fullmatch(da) and b <= 2 and c <= 2 and 1 <= int(db) <= 12 and 1 <= int(dc) <= 31
        dmy = c == 4 and _YEAR.fullmatch(dc) and a <= 2 and b <= 2 and 1 <= int(da) <= 31 and 1 <= int(db) <= 31
        if ymd or dmy:
            blocked.update((i, i + 1, i + 2))
    if blocked:
        for i, (_, _, d) in enumerate(groups):
            near = (i - 1 in blocked) or (i + 1 in blocked)
            if i not in blocked and near and len(d) == 4 and _YEAR.fullmatch(d):
                blocked.add(i)
    return blocked


# The units of a Chinese address: a short group right before one ("…1723367904\n5号楼")
# is a building or house number, not the end of the number before it.
_ADDRESS_UNIT_AFTER = frozenset("号號栋棟幢楼樓座室单單")
_LAST_GROUP = re.compile(r"[^0-9]([0-9]{1,4})$")


# A US ZIP code ending a line ("…, CA 45723\n50290 Holmes Oval"): the run it starts stops
# at the line break, which otherwise a number may cross.
_STATE_BEFORE = re.compile(r"(?<![A-Za-z])[A-Z]{2}[ \t]$")
_ZIP_AT_LINE_END = re.compile(r"[0-9]{5}(?:-[0-9]{4})?[ \t]*\n[^0-9]*")


def _address_parts_left_out(
    text: str, folded: str, start: int, end: int, wanted: frozenset[str], out: list[Finding]
) -> int | None:
    """Where the run ends once the parts of an address next to it are left out (a ZIP code
    ending a line, a building number before its unit); None when nothing is left to scan
    here (the rest of a run after a ZIP code is scanned on its own)."""
    if _STATE_BEFORE.search(folded, max(0, start - 4), start) is not None:
        zip_code = _ZIP_AT_LINE_END.match(folded, start, end)
        if zip_code is not None:
            if end - zip_code.end() >= 7:
                scan_number(text, folded, zip_code.end(), end, wanted, out)
            return None
    if end < len(folded) and folded[end] in _ADDRESS_UNIT_AFTER:
        last = _LAST_GROUP.search(folded, start, end)
        if last is not None:
            end = last.start() + 1
            while end > start and not folded[end - 1].isalnum():
                end -= 1
    return end


def scan_number(
    text: str, folded: str, start: int, end: int, wanted: frozenset[str], out: list[Finding]
) -> None:
    if (end := _address_parts_left_out(text, folded, start, end, wanted, out)) is None:
        return
    if not (
        _PLAIN_RUN.fullmatch(folded, start, end) is not None
        and (start == 0 or folded[start - 1] not in LOOKALIKE_SET)
    ):
        bounds = _lookalike_bounds(folded, start, end)
        if bounds is None:
            return
        start, end = bounds
    if end - start < 7:
        return
    if start and folded[start - 1] in TOKEN_CHARS:
        # The digits of a code ("JD4560…") are no number of their own, but one may follow
        # them in the run ("快递单号 JD456056381538 37💯0901…"): scan on from the next group.
        code = _CODE_DIGITS_AND_GAP.match(folded, start, end)
        if code is not None and end - code.end() >= 7:
            scan_number(text, folded, code.end(), end, wanted, out)
        return
    if start > 1 and folded[start - 1] in "-_" and _part_of_code(folded, start):
        return
    if start and folded[start - 1] in "/=?&#:" and _in_url(folded, start):
        return
    raw = folded[start:end]
    # Plain ASCII runs, with or without the X of an ID number, are the common case and
    # skip the character mapping.
    if raw.isdigit() and raw.isascii():
        digits = raw
    elif raw[-1] in "Xx" and raw.isascii() and raw[:-1].isdigit():
        digits = raw[:-1] + "X"
    elif _IPV4.fullmatch(raw):
        return  # "183.21.246.139" reads as a mobile number once the dots go
    else:
        digits = to_digits(raw)
    if not digits.replace("X", "").isdigit():
        return
    plus = start > 0 and folded[start - 1] == "+"
    # What is said before the number only matters for ten-digit numbers (and pieces).
    labelled = _context(folded, start) if len(digits) == 10 else UNLABELLED
    # The groups of a run with separators, split only when needed: most runs are one
    # number and never need them.
    grouped = _PLAIN_RUN.fullmatch(raw) is None
    if grouped and _DATE_OR_VERSION.search(raw) is not None:
        groups = _groups_of_run(raw)
        blocked = _blocked_groups(groups, raw)
        if blocked is None:
            return
        if blocked:
            labelled = _context(folded, start)
            scan_number_pieces(text, folded, start, raw, groups, blocked, plus, labelled, wanted, out)
            return
    hit = number_kind(digits, plus, raw, wanted, labelled)
    if hit is not None:
        _add_number(text, folded, start - plus, end, hit, out)
        return
    raw_before_x = raw
    if digits[-1] == "X":
        # An X closing anything but an ID number is a letter after the number (or an
        # extension: "555-0123x45"); the run was not an ID number, so try a phone.
        raw = raw[:-1].rstrip(" -.")
        digits = to_digits(raw)
        hit = number_kind(digits, plus, raw, wanted & PHONE_ONLY, labelled)
        if hit is not None:
            _add_number(text, folded, start - plus, start + len(raw), hit, out)
            return
    if len(digits) > 11 and grouped and not id_shaped(digits):
        if raw_before_x != raw:
            # The X may close an ID number that ends the run ("4468605843735369 35~08~…~X"):
            # it is a group of its own, which only an ID number can end with.
            groups = [*_groups_of_run(raw_before_x), (len(raw_before_x) - 1, len(raw_before_x), "X")]
            raw = raw_before_x
        else:
            groups = _groups_of_run(raw)
        if len(groups) > 1:
            labelled = _context(folded, start)
            scan_number_pieces(text, folded, start, raw, groups, set(), plus, labelled, wanted, out)


def _groups_of_run(raw: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of each group of a run, see DIGIT_GROUP."""
    return [(g.start(), g.end(), to_digits(g.group())) for g in DIGIT_GROUP.finditer(raw)]


def scan_number_pieces(
    text: str,
    folded: str,
    start: int,
    raw: str | None,
    groups: list[tuple[int, int, str]],
    blocked: set[int],
    plus: bool,
    labelled: int,
    wanted: frozenset[str],
    out: list[Finding],
) -> None:
    """The best split of a run into valid numbers, at its visible separators.

    "6222 0212 3456 7890 128 13812345678" is a card and a phone; "2023-11-05 1381…" a
    date and a phone. Best: the most digits covered by valid numbers, then the fewest
    numbers, then the fewest numbers that mix a digit typed alone with a block of
    several ("3 0 1 7 … 3 0 3 0\n17313319244": a card typed a digit at a time, then a
    phone, not a phone and a card made of the last four digits and the phone). Dates
    (``blocked``) are never part of a number.
    """
    count = len(groups)
    # best[i]: (digits covered, -numbers, -mixed numbers, choices) for groups i..count-1
    best: list[tuple[int, int, int, list[tuple[int, int, tuple[str, str, float, str]]]]] = (
        [(0, 0, 0, [])] * (count + 1)
    )
    for i in range(count - 1, -1, -1):
        choice = best[i + 1]
        size = 0
        alone = block = False  # a digit typed alone, a block of three or more, so far
        for j in range(i + 1, count + 1):
            if j - 1 in blocked:
                break
            group_size = len(groups[j - 1][2])
            size += group_size
            alone, block = alone or group_size == 1, block or group_size >= 3
            if size > _MAX_PIECE_DIGITS:
                break
            if size < 7:
                continue
            lo, hi = groups[i][0], groups[j - 1][1]
            digits = "".join(g[2] for g in groups[i:j])
            piece = raw[lo:hi] if raw is not None else None  # None: spelled out
            hit = number_kind(digits, plus and i == 0, piece, wanted, labelled)
            if hit is None:
                continue
            rest = best[j]
            candidate = (size + rest[0], rest[1] - 1, rest[2] - (alone and block), [(i, j, hit), *rest[3]])
            if candidate[:3] > choice[:3]:
                choice = candidate
        best[i] = choice
    for i, j, hit in best[0][3]:
        with_plus = plus and i == 0
        _add_number(text, folded, start + groups[i][0] - with_plus, start + groups[j - 1][1], hit, out)


_CLOSING_BRACKET = re.compile("[)）]")
_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")


def _add_number(
    text: str, folded: str, start: int, end: int, hit: tuple[str, str, float, str], out: list[Finding]
) -> None:
    kind, normalized, confidence, rule = hit
    if kind != "id_number" and labelled_as_reference(folded, start):
        return
    if kind == "phone":
        if start and folded[start - 1] in "(（" and _CLOSING_BRACKET.search(folded, start, end):
            start -= 1  # "(010) 8888 6666", "(+86) 138…": the bracket belongs to the number
        extension = PHONE_EXTENSION.match(folded, end)
        if extension is not None:
            end = extension.end()
    value = text[start:end]
    obfuscated = not PLAIN_NUMBER_CHARS.issuperset(value)
    out.append(Finding(kind, start, end, value, normalized, confidence, rule, obfuscated))
