"""Protected persons' names: an Aho-Corasick automaton per set of names."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick_rs

from prevention.detectors.chars import ASCII_LETTERS, LOOKALIKE_SET
from prevention.detectors.findings import Finding
from prevention.detectors.normalize import (
    ZERO_WIDTH,
    char_class,
    fold,
)

# What people slip between the characters of a name ("张 三", "张·三", "J o h n"):
# matched names ignore them.
_NAME_GAPS = " \t\n\r\u00a0\u3000·•・‧._-" + ZERO_WIDTH
_NAME_GAP_RUN = re.compile(char_class(_NAME_GAPS) + "+")
# The same runs for removing them from a whole post: opening with one class keeps the
# regex engine's fast scan for the first character, which "[...]+" loses.
_NAME_GAP_RUN_SCAN = re.compile(char_class(_NAME_GAPS) * 2 + "*")
_ASCII_NAME_GAPS = "".join(c for c in _NAME_GAPS if c.isascii()).encode("ascii")


def _without_gaps(folded: str) -> str:
    """``folded`` without the gaps of ``_NAME_GAPS``.

    An ASCII post (most English ones, full of spaces) takes bytes.translate, a C loop
    about twenty times faster than a regex substitution with a match at every space.
    """
    if folded.isascii():
        return folded.encode("ascii").translate(None, _ASCII_NAME_GAPS).decode("ascii")
    return _NAME_GAP_RUN_SCAN.sub("", folded)


# Digits typed for the letters they look like inside a Latin name ("1van Petr0v",
# "J0hn Sm1th"): only looked for where a digit touches a Latin letter. 1 stands for i or l,
# so a post is read both ways.
# Opening with the digit keeps the regex engine's fast scan for the rare character (one
# opening on letters tests every letter of an English post).
_DIGIT_IN_WORD = re.compile("[0-9](?:(?=[A-Za-z])|(?<=[A-Za-z][0-9]))")
_LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s"}
_LEET_READINGS = tuple(str.maketrans({**_LEET, "1": one}) for one in ("i", "l"))


def digits_read_as_letters(text: str) -> list[str]:
    """``text`` in lower case with the digits read as the letters they stand for, once
    per reading of 1 (i, l); the same length as ``text``, or no reading at all."""
    readings = [text.translate(reading).lower() for reading in _LEET_READINGS]
    return [r for r in readings if len(r) == len(text)]


def _digits_in_words(view: str) -> list[int]:
    """Offsets of the digits typed inside a Latin word ("1van", "Petr0v"), leaving out the
    X closing an ID number and look-alike letters inside a number ("1l0l0519…")."""
    touches = []
    for touch in _DIGIT_IN_WORD.finditer(view):
        at = touch.start()
        letters = [c for c in view[max(0, at - 1) : at] + view[at + 1 : at + 2] if c in ASCII_LETTERS]
        if letters in (["X"], ["x"]) and at + 1 < len(view) and view[at + 1] in "Xx" and (
                view[at + 2 : at + 3] not in ASCII_LETTERS):
            continue
        if all(c in LOOKALIKE_SET for c in letters) and any(
                c.isdigit() for c in view[max(0, at - 2) : at] + view[at + 1 : at + 3]):
            continue
        touches.append(at)
    return touches


def name_key(raw: str) -> str | None:
    """Canonical form of a name: folded, lower case, without gaps ("王 小明" -> "王小明")."""
    text = fold(unicodedata.normalize("NFKC", raw)).lower()
    text = _NAME_GAP_RUN.sub("", text)
    return text or None


class NameIndex:
    """The protected names of one policy version as an Aho-Corasick automaton.

    Built once and shared by every scan (and every thread: finding is read-only), so
    the cost of a scan does not depend on how many names there are. Names are matched
    on the fold of the post, in lower case, with the gaps people slip between the
    characters of a name removed; Latin names only as whole words.
    """

    __slots__ = ("_automaton", "_keys", "_latin", "size")

    def __init__(self, names: Iterable[str]) -> None:
        keys: dict[str, tuple[int, bool, bool]] = {}
        patterns: list[str] = []
        owners: list[int] = []
        for name in names:
            key = name_key(name) if name else None
            if key is None or key in keys:
                continue
            keys[key] = (len(key), key[0] in ASCII_LETTERS, key[-1] in ASCII_LETTERS)
            # The post is matched as written, so a Latin name is entered in the cases
            # people write it in (lower, upper, capitalised words) rather than lowering
            # every post.
            variants = {key}
            if any(c in ASCII_LETTERS for c in key):
                words = _NAME_GAP_RUN.split(fold(unicodedata.normalize("NFKC", name)))
                variants |= {
                    key.upper(),
                    "".join(w.capitalize() for w in words if w),
                    "".join(words),  # as given: "Quinn DDS", "McDonald"
                }
            for variant in variants:
                if len(variant) == len(key):
                    patterns.append(variant)
                    owners.append(len(keys) - 1)
        self._keys = list(keys.values())
        # The longest Latin name: how far around a digit among letters a name may reach.
        self._latin = max((length for length, latin_start, latin_end in self._keys if latin_start or latin_end),
                          default=0)
        self.size = len(keys)
        self._automaton = (
            (ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.Standard), owners)
            if patterns
            else None
        )

    def _read_with_digits(self, compact: str, touches: list[int]) -> list[tuple[int, int, int, tuple[int, str]]]:
        """Hits of the names read with digits for letters, looked for only around each
        digit that touches a letter (``touches``: their offsets in ``compact``), in a
        window as wide as the longest Latin name: reading the whole post twice would
        cost more than the rest of its scan."""
        automaton, _ = self._automaton
        reach = self._latin
        windows: list[list[int]] = []
        for at in touches:
            low, high = max(0, at - reach), min(len(compact), at + 1 + reach)
            if windows and low <= windows[-1][1]:
                windows[-1][1] = high
            else:
                windows.append([low, high])
        hits = []
        for low, high in windows:
            for read in digits_read_as_letters(compact[low:high]):
                hits.extend((index, low + start, low + end, (low, read)) for index, start, end in
                            automaton.find_matches_as_indexes(read, overlapping=True))
        return hits

    def find(self, text: str, folded: str, out: list[Finding]) -> None:
        if self._automaton is None:
            return
        automaton, owners = self._automaton
        view = folded
        compact = _without_gaps(view)
        hits: list = automaton.find_matches_as_indexes(compact, overlapping=True)
        # A digit typed inside a Latin word, as written ("1van", "Petr0v"; not the X closing
        # an ID number): where a name may be hidden with digits for letters.
        touches = _digits_in_words(view) if self._latin else []
        if touches:
            # The touches' offsets in the compact view: what is left of the post before them.
            hits.extend(self._read_with_digits(compact, [len(_without_gaps(view[:t])) for t in touches]))
        if not hits:
            return
        # Compact offset -> offset in the post: add the gaps removed before it.
        starts, removed, total = [], [], 0
        for gap in _NAME_GAP_RUN.finditer(view):
            g_start, g_end = gap.span()
            starts.append(g_start - total)
            total += g_end - g_start
            removed.append(total)

        def original(i: int) -> int:
            k = bisect_right(starts, i)
            return i + (removed[k - 1] if k else 0)

        taken: list[tuple[int, int]] = []
        # Longest first, so a full name wins over a protected part of it.
        for hit in sorted(hits, key=lambda h: h[1] - h[2]):
            index, c_start, c_end = hit[:3]
            read = hit[3] if len(hit) > 3 else None  # found with digits read as letters
            _, latin_start, latin_end = self._keys[owners[index]]
            start, end = original(c_start), original(c_end - 1) + 1
            if latin_start and start and view[start - 1] in ASCII_LETTERS:
                continue
            if latin_end and end < len(view) and view[end] in ASCII_LETTERS:
                continue
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            value = text[start:end]
            # Read with digits for letters: the name is the one matched, not the digits.
            normalized = (read[1][c_start - read[0] : c_end - read[0]] if read is not None else name_key(value)) or ""
            obfuscated = value.lower().replace(" ", "") != normalized or (
                " " in value and not latin_start
            )
            out.append(
                Finding(
                    "protected_name", start, end, value, normalized,
                    0.85 if obfuscated else 0.9, "protected_name.match", obfuscated,
                )
            )  # fmt: skip


@lru_cache(maxsize=16)
def _index_of(names: tuple[str, ...]) -> NameIndex:
    return NameIndex(names)


def name_index(names: Iterable[str]) -> NameIndex:
    """The index of ``names``, from a small cache when the same names come again."""
    return _index_of(tuple(names))
