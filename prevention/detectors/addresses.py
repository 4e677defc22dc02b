"""Addresses in a scan: the passes the main expression does not do, house numbers
hidden in digit runs, and touching parts merged into one finding."""

from __future__ import annotations

import re

from prevention.detectors.addresses_en import en_boxes
from prevention.detectors.addresses_zh import cjk_latin_compacted, cn_addresses, spaced_runs
from prevention.detectors.findings import POSITION, Finding
from prevention.detectors.normalize import (
    fold,
    fold_text,
)

_DIGIT = re.compile("[0-9]")
EN_ADDRESS_WORDS = re.compile(
    r"[0-9]{1,6}[A-Za-z]?(?:-[0-9]{1,4})?[ \t]+(?:[A-Za-z0-9][A-Za-z0-9'’.\-]*[ \t]+){1,5}[A-Za-z][A-Za-z'’\-]*\.?"
)


def next_digit(folded: str, start: int, end: int) -> int | None:
    """Where the next digit after a house number's own digits is, within the words."""
    i = start
    while i < end and folded[i].isdigit():
        i += 1
    m = _DIGIT.search(folded, i, end)
    return m.start() if m is not None else None


def house_number_at_end(folded: str, used: int, end: int) -> int | None:
    if end >= len(folded) or folded[end] not in " \t":
        return None
    gap = max(folded.rfind(" ", used, end), folded.rfind("\n", used, end), folded.rfind("\t", used, end))
    if gap < 0 or not 1 <= end - gap - 1 <= 6 or not folded[gap + 1 : end].isdigit():
        return None
    return gap + 1


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_GAP_CHAR = re.compile("[ ·\u200b-\u200d\u2060\ufeff]")
# Gaps inside a Chinese address: between its characters and digits ("北 京 市 … 2 7 号") and
# between its characters and a block letter ("街 A 座"), so that spaced and plain forms
# of one address normalise alike.
_GAP_BETWEEN_CJK = re.compile(
    r"(?<=[\u3400-\u9fff0-9])[ \u3000·\u200b-\u200d\u2060\ufeff]+(?=[\u3400-\u9fff0-9])"
    r"|(?<=[\u3400-\u9fff])[ \u3000·\u200b-\u200d\u2060\ufeff]+(?=[A-Za-z])"
    r"|(?<=[A-Za-z])[ \u3000·\u200b-\u200d\u2060\ufeff]+(?=[\u3400-\u9fff])"
)


def address_normalized(raw: str) -> str | None:
    folded = fold_text(fold(raw))
    if not folded.isascii() and _GAP_CHAR.search(folded) is not None:
        folded = _GAP_BETWEEN_CJK.sub("", folded)
    return folded if _LETTER_OR_DIGIT.search(folded) is not None else None


def scan_addresses(text: str, folded: str, out: list[Finding]) -> None:
    """The address passes the main scan does not do: spaced-out Chinese addresses, those
    with spaces around their numbers, PO boxes and military addresses."""
    if not folded.isascii():
        for compact, offsets in spaced_runs(folded):
            for start, end, confidence, rule in cn_addresses(compact):
                mapped = (offsets[start], offsets[end - 1] + 1, confidence, rule)
                add_address(text, mapped, out, obfuscated=True)
        compacted = cjk_latin_compacted(folded)
        if compacted is not None:
            # Typography, not disguise: found as plainly written.
            compact, offsets = compacted
            for start, end, confidence, rule in cn_addresses(compact):
                add_address(text, (offsets[start], offsets[end - 1] + 1, confidence, rule), out)
    if "ox" in folded or "OX" in folded or "PO " in folded or "po " in folded:
        for found in en_boxes(folded):
            add_address(text, found, out)


def add_address(
    text: str, found: tuple[int, int, float, str], out: list[Finding], obfuscated: bool = False
) -> None:
    start, end, confidence, rule = found
    value = text[start:end]
    normalized = address_normalized(value)
    if normalized is not None:
        out.append(Finding("address", start, end, value, normalized, confidence, rule, obfuscated))


_GAPS_ONLY = re.compile("[ \u3000·\u200b-\u200d\u2060\ufeff]+")


def merge_touching_addresses(text: str, findings: list[Finding]) -> list[Finding]:
    """One address found as touching or overlapping parts ("建国路88号阳光小区5栋") is
    one finding.

    ``findings`` is sorted by start. Spans are merged first and each merged address is
    built once, so a post of many touching addresses still costs linear time.
    """
    found = [f for f in findings if f.type == "address"]
    if len(found) < 2:
        return findings
    groups: list[list[Finding]] = [[found[0]]]
    group_end = found[0].end
    for finding in found[1:]:
        if finding.start <= group_end or (
            finding.start - group_end <= 2 and _GAPS_ONLY.fullmatch(text, group_end, finding.start)
        ):
            groups[-1].append(finding)
            group_end = max(group_end, finding.end)
        else:
            groups.append([finding])
            group_end = finding.end
    if len(groups) == len(found):
        return findings
    merged = [f for f in findings if f.type != "address"]
    for group in groups:
        if len(group) == 1:
            merged.append(group[0])
            continue
        start, end = group[0].start, max(f.end for f in group)
        value = text[start:end]
        normalized = address_normalized(value) or group[0].normalized
        best = max(group, key=lambda f: f.confidence)
        obfuscated = any(f.obfuscated for f in group)
        merged.append(Finding("address", start, end, value, normalized, best.confidence, best.rule, obfuscated))
    merged.sort(key=POSITION)
    return merged
