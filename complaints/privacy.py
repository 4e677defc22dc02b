"""Personal data leaving a case: found, refused in statements, redacted when forwarded.

Text that leaves the case (a statement of reasons goes to the poster, the host platform,
the audit log and the DSA database; the complainant's explanation is forwarded to the
poster) is checked against the case's own personal values (names, e-mail, phone, ID
number, the victim) and against the detectors a higher layer connects to
``hooks.personal_data_finders`` (ID numbers, phones, cards, addresses ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from complaints import hooks
from complaints.models import Complaint

REDACTED = "[…]"
# A value shorter than this is not looked for by itself (initials, a one-letter name).
MIN_VALUE_CHARS = 3


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


def case_names(complaint: Complaint) -> list[str]:
    return [n for n in {complaint.complainant_name.strip(), complaint.victim_name.strip()} if n]


def _case_values(complaint: Complaint) -> list[tuple[str, str]]:
    values = [("name", name) for name in case_names(complaint)]
    values += [
        ("email", complaint.complainant_email.strip()),
        ("phone", complaint.complainant_phone.strip()),
        ("id_number", complaint.complainant_id_number.strip()),
    ]
    return [(kind, value) for kind, value in values if len(value) >= MIN_VALUE_CHARS]


def _loose(value: str) -> re.Pattern[str]:
    """The value with any run of spaces, dots, dashes or zero-width marks between its characters."""
    parts = [re.escape(ch) for ch in value if not ch.isspace() and ch not in "-.()·"]
    return re.compile(r"[\s\-.()·\u200b-\u200d\u2060]*".join(parts), re.IGNORECASE)


def find_personal_data(text: str, complaint: Complaint) -> list[Span]:
    """Where ``text`` holds personal data of this case or any the detectors recognise."""
    if not text:
        return []
    spans = [
        Span(m.start(), m.end(), kind)
        for kind, value in _case_values(complaint)
        for m in _loose(value).finditer(text)
    ]
    for found in hooks.personal_data_finders(text, case_names(complaint)):
        spans.extend(Span(start, end, kind) for start, end, kind in found)
    return _merged(spans)


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end), last.kind)
        else:
            merged.append(span)
    return merged


def redact(text: str, complaint: Complaint) -> tuple[str, int]:
    """``text`` with every piece of personal data replaced by REDACTED, and how many were."""
    spans = find_personal_data(text, complaint)
    out, position = [], 0
    for span in spans:
        out.append(text[position:span.start])
        out.append(REDACTED)
        position = span.end
    out.append(text[position:])
    return "".join(out), len(spans)


def kinds_found(text: str, complaint: Complaint) -> list[str]:
    """The kinds of personal data in ``text`` (for an error that names them, never the values)."""
    return sorted({span.kind for span in find_personal_data(text, complaint)})
