"""The scan of a post: one pass of one compiled expression, then the passes that need
a cheap test first."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from prevention.detectors.addresses import (
    EN_ADDRESS_WORDS,
    add_address,
    house_number_at_end,
    merge_touching_addresses,
    next_digit,
    scan_addresses,
)
from prevention.detectors.addresses_en import en_street
from prevention.detectors.addresses_zh import cn_address_at
from prevention.detectors.chars import (
    CHECK_X_CLASS,
    DIGIT_CHARS,
    DIGIT_CLASS,
    DIGIT_OR_LOOKALIKE_CLASS,
    PLATE_CHAR,
    PLATE_GAP,
    SEPARATOR_CLASS,
    ZERO_WIDTH_CLASS,
)
from prevention.detectors.cn_regions import (
    PLATE_PROVINCES,
    PLATE_SUFFIXES,
)
from prevention.detectors.emails import scan_emails
from prevention.detectors.findings import ALL_KINDS, NUMBER_KINDS, POSITION, Finding
from prevention.detectors.names import NameIndex, name_index
from prevention.detectors.normalize import (
    char_class,
    fold,
)
from prevention.detectors.numbers import HAS_LOOKALIKE, scan_number
from prevention.detectors.plates import plate_normalized
from prevention.detectors.spelled import may_spell_digits, scan_spelled

# The one class every alternative starts with; see the module docstring.
_UNIT_CHARS = "号號座栋棟幢弄组排单單"
_FIRST = char_class(DIGIT_CHARS + PLATE_PROVINCES + _UNIT_CHARS + "@([{<（【艾圈")

_SCAN = re.compile(
    _FIRST + "(?:"
    # A run of at least seven digits with separators between them, optionally closed
    # by the X check character of an ID number (but not by a word starting with x).
    rf"(?<={DIGIT_CLASS})(?P<num>(?:{SEPARATOR_CLASS}{{0,4}}{DIGIT_OR_LOOKALIKE_CLASS}){{6,}}(?:{SEPARATOR_CLASS}{{0,3}}{CHECK_X_CLASS}(?![A-Za-z]))?)"
    rf"|(?<={char_class(PLATE_PROVINCES)})(?P<plate>{PLATE_GAP}?[A-HJ-NP-Za-hj-np-z]"
    rf"{PLATE_GAP}?(?:{PLATE_CHAR}{ZERO_WIDTH_CLASS}?){{4,5}}(?:{PLATE_CHAR}|[{PLATE_SUFFIXES}])"
    r"(?![A-Za-z0-9]))"
    # A house number and the words after it: judged by en_street.
    r"|(?<=[0-9])(?P<en_addr>[0-9]{0,5}[A-Za-z]?(?:-[0-9]{1,4})?[ \t]+"
    r"(?:[A-Za-z0-9][A-Za-z0-9'’.\-]*[ \t]+){1,5}[A-Za-z][A-Za-z'’\-]*\.?)"
    # The unit of a Chinese address ("…路88号", "…街A座"): judged by cn_address_at.
    # Only after a number or a block letter, and never a metro line (7号线).
    rf"|(?<=[0-9A-Za-z一二三四五六七八九十百零〇两]{char_class(_UNIT_CHARS)})(?!线)(?P<cn_unit>)"
    # The at sign of an e-mail address, in the forms it is written in.
    r"|(?<=@)(?P<at>)"
    r"|(?<=[(\[{<（【])(?P<at_bracket>[ \t]?(?:at|AT|At|@)[ \t]?[)\]}>）】])"
    r"|(?<=艾)(?P<at_cn>特)|(?<=圈)(?P<at_circle>圈?[aA])"
    ")"
)


def scan(
    text: str,
    *,
    protected_names: Sequence[str] | NameIndex = (),
    kinds: Collection[str] | None = None,
) -> list[Finding]:
    """All personal information found in ``text``, sorted by start offset.

    ``protected_names``: names of persons under protection (or their ``NameIndex``),
    matched in any case and through spaces, dots, zero-width characters and look-alike
    letters slipped into them. ``kinds``: restrict the search to these kinds (all of
    ``KINDS`` by default).
    """
    wanted = ALL_KINDS if kinds is None else _wanted_kinds(kinds)
    folded = fold(text)
    findings, ats = _main_pass(text, folded, wanted)
    if not wanted.isdisjoint(NUMBER_KINDS) and may_spell_digits(folded):
        scan_spelled(text, folded, wanted, findings)
    emails: list[Finding] = []
    scan_emails(text, folded, ats, emails)
    want_address = "address" in wanted
    if want_address:
        scan_addresses(text, folded, findings)
    if emails:
        # Numbers and words inside an address are its local part, not findings.
        findings = [f for f in findings if not any(e.start < f.end and f.start < e.end for e in emails)]
        if "email" in wanted:
            findings.extend(emails)
    if protected_names and "protected_name" in wanted:
        index = protected_names if isinstance(protected_names, NameIndex) else name_index(protected_names)
        index.find(text, folded, findings)
    if len(findings) > 1:
        findings.sort(key=POSITION)
        if want_address:
            findings = merge_touching_addresses(text, findings)
    return findings


def _main_pass(
    text: str, folded: str, wanted: frozenset[str]
) -> tuple[list[Finding], list[tuple[int, int, str]]]:
    """The findings of the one expression, and the at signs it saw (start, end, text).

    One pass with finditer; a new iterator only where the scan must look again inside
    what a match consumed (a house number at the end of a run or among street words).
    """
    findings: list[Finding] = []
    ats: list[tuple[int, int, str]] = []
    want_numbers = not wanted.isdisjoint(NUMBER_KINDS)
    want_address = "address" in wanted
    want_plates = "licence_plate" in wanted
    cn_done = 0
    matches = _SCAN.finditer(folded)
    while (m := next(matches, None)) is not None:
        group = m.lastgroup
        start, end = m.span()
        again = None
        if group == "num":
            again = _digit_run(text, folded, start, end, wanted, want_numbers, want_address, findings)
        elif group == "plate":
            if want_plates:
                _plate(text, folded, start, end, findings)
        elif group == "en_addr":
            if want_address:
                again = _street_words(text, folded, start, end, findings)
        elif group == "cn_unit":
            if want_address and start >= cn_done:
                found = cn_address_at(folded, start)
                if found is not None:
                    add_address(text, found, findings)
                    cn_done = found[1]
        else:  # an at sign
            ats.append((start, end, m.group()))
        if again is not None:
            matches = _SCAN.finditer(folded, again)
    return findings, ats


def _digit_run(
    text: str,
    folded: str,
    start: int,
    end: int,
    wanted: frozenset[str],
    want_numbers: bool,
    want_address: bool,
    findings: list[Finding],
) -> int | None:
    """The numbers in a digit run; where to scan on from, if inside the run."""
    used = start
    if want_numbers:
        before = len(findings)
        scan_number(text, folded, start, end, wanted, findings)
        if len(findings) > before:
            used = findings[-1].end
    if not want_address:
        return None
    # A run may end in the house number of an address that follows it ("…5583 4766
    # Carroll Turnpike"): scan on from that number. A house number may also have been
    # read with the look-alike letters of the street's name ("20304 ol|iver
    # underpass"): try the street here.
    again = house_number_at_end(folded, used, end)
    if again is None and used == start and HAS_LOOKALIKE.search(folded, start, end):
        words = EN_ADDRESS_WORDS.match(folded, start)
        found = en_street(folded, start, words.end()) if words else None
        if found is not None:
            add_address(text, found, findings)
            again = found[1]
    return again


def _plate(text: str, folded: str, start: int, end: int, findings: list[Finding]) -> None:
    value = text[start:end]
    normalized = plate_normalized(folded[start:end])
    if normalized is not None:
        findings.append(
            Finding(
                "licence_plate", start, end, value, normalized, 0.85,
                "licence_plate.ga36", value != folded[start:end],
            )
        )  # fmt: skip


def _street_words(text: str, folded: str, start: int, end: int, findings: list[Finding]) -> int | None:
    """An English street address at a house number; where to scan on from, if inside."""
    found = en_street(folded, start, end)
    if found is not None:
        add_address(text, found, findings)
    # The words matched may hold the next house number ("… Suite 948. 944 …").
    again = found[1] if found is not None else next_digit(folded, start + 1, end)
    return again if again is not None and again < end else None


def _wanted_kinds(kinds: Collection[str]) -> frozenset[str]:
    wanted = frozenset(kinds)
    unknown = wanted - ALL_KINDS
    if unknown:
        raise ValueError(f"unknown kinds of personal information: {sorted(unknown)}")
    return wanted
