"""Detectors for personal information in posts: a pure module, no Django, no database.

``scan`` finds resident ID numbers, phone numbers, bank cards, e-mail addresses, licence
plates, street addresses and the names of protected persons. ``normalize_value`` gives
the canonical form of one value, the form staydown fingerprints are computed from; a
finding's ``normalized`` is always ``normalize_value(finding.type, finding.value)``.
Each finding names the ``rule`` that recognised it (``phone.cn_mobile``,
``address.en_street``, ...; see ``RULES``) and whether the value was written in a
disguised form (``obfuscated``).

How it works and stays fast:

* The post is first folded (``normalize.fold``): full-width forms, circled
  and mathematical digits, dashes and the Cyrillic or Greek letters that look like
  Latin ones are replaced by the plain characters, one character for one, so offsets
  into the fold are offsets into the original text and no map is needed. Texts with
  nothing to fold are not copied.
* One compiled expression runs over the fold. Every alternative starts by consuming a
  character from one shared class (digits in any form, plate provinces), so the regex
  engine skips ordinary prose in its tight loop. Digit runs may carry what people put
  between digits to hide them: spaces, dashes, dots, zero-width characters, emoji and
  symbols, a line break, letters typed for digits (O for 0, l for 1) where they touch
  digits.
* Only the short candidate spans are normalised and validated (check characters,
  dates, numbering plans, Luhn and card networks, grouping, the label before the
  number), which keeps order numbers, dates, versions and toll-free numbers quiet. A
  run that fails as a whole is split at its visible separators into the best set of
  valid numbers (a card followed by a phone is two findings), never across a date.
* E-mail addresses, spelled-out digits ("one three eight ..."), Chinese and English
  addresses (``addresses_zh``, ``addresses_en``) and PO boxes have their own passes, each run
  only when a cheap test says the text may hold one.
* Protected names are matched with an Aho-Corasick automaton (``NameIndex``, built once
  per set of names) over the fold with spaces, dots and zero-width characters removed,
  so the cost does not grow with the number of names.
"""

from prevention.detectors.canonical import normalize_value
from prevention.detectors.findings import KINDS, RULES, Finding
from prevention.detectors.names import NameIndex, name_index
from prevention.detectors.scanner import scan

__all__ = ["KINDS", "RULES", "Finding", "NameIndex", "name_index", "normalize_value", "scan"]
