"""The evaluation corpus of the personal-information detectors: posts as people write them.

Values come from an independent generator of personal data, Faker's ``zh_CN`` and
``en_US`` providers (ID numbers, mobiles, cards, e-mail addresses, plates, street
addresses, names), and are planted into post templates written the way Chinese
microblog and English forum posts are written, plain or hidden in one of the ways
people hide them (look-alike letters, emoji between digits, numbers split over a line,
spelled-out digits, ``at … dot``, ``#`` for ``@`` with a hint, spaced-out addresses,
Cyrillic letters in names, ...). Hard negatives that look like personal information
are mixed in: order and tracking numbers, dates and date ranges, prices, version
strings, file names such as ``icon@2x.png``, metro-line phrases, gift codes, toll-free
and hotline numbers, @mentions.

The judge is this module alone: every planted value is checked with python-stdnum
(GB 11643 check characters and birth dates, Luhn) or libphonenumber before it is
planted, and its label, span and canonical form are recorded here. Nothing here imports
the detectors, so the yardstick shares no code with what it measures; scoring lives in
``prevention.evaluation``.

Faker and python-stdnum are development dependencies: this module is for the benchmark
and the tests, never imported by the running product.

``python -m prevention.corpus --out FILE --n N [--seed S]`` writes JSON lines.
"""

from prevention.corpus.cli import main
from prevention.corpus.judge import judge, valid_card, valid_id_number, valid_phone
from prevention.corpus.obfuscation import obfuscate_digits
from prevention.corpus.posts import generate
from prevention.corpus.samples import KINDS, Negative, Planted, Sample

__all__ = [
    "KINDS", "Negative", "Planted", "Sample", "generate", "judge", "main", "obfuscate_digits",
    "valid_card", "valid_id_number", "valid_phone",
]  # fmt: skip
