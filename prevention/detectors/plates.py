"""Mainland licence plates (GA 36-2018)."""

from __future__ import annotations

import re
import unicodedata

from prevention.detectors.chars import PLATE_GAP
from prevention.detectors.cn_regions import (
    PLATE_ENERGY_LETTERS,
    PLATE_LETTERS,
    PLATE_PROVINCES,
    PLATE_SUFFIXES,
)

_PLATE_SEPARATORS = re.compile(PLATE_GAP + "+")


def plate_normalized(raw: str) -> str | None:
    plate = _PLATE_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()
    if len(plate) not in (7, 8) or plate[0] not in PLATE_PROVINCES:
        return None
    if plate[1] not in PLATE_LETTERS:
        return None
    body = plate[2:]
    if len(body) == 6:
        # New-energy plates: energy letter first (small cars) or last (large vehicles).
        small = body[0] in PLATE_ENERGY_LETTERS and body[2:].isdigit()
        small = small and (body[1].isdigit() or body[1] in PLATE_LETTERS)
        large = body[:5].isdigit() and body[5] in PLATE_ENERGY_LETTERS
        return plate if small or large else None
    if not all(c.isdigit() or c in PLATE_LETTERS for c in body[:4]):
        return None
    if body[4] in PLATE_SUFFIXES:
        return plate if sum(c.isdigit() for c in body[:4]) >= 2 else None
    if not (body[4].isdigit() or body[4] in PLATE_LETTERS):
        return None
    # Ordinary plates carry at most two letters among the five characters (GA 36-2018).
    return plate if sum(c.isdigit() for c in body) >= 3 else None
