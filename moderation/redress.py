"""The redress a decision states (DSA Art. 17(3)(f)), in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

# Stored on the decision as written (it is part of the record); shown to each side in
# their own language by ``redress_text``.
DEFAULT_REDRESS = gettext_noop(
    "You may appeal this decision free of charge within the appeal window through your private link; "
    "the poster may send a counter-notice; either side may also go to court or to the competent authority."
)


def redress_text(text: str) -> str:
    """The redress sentence in the active language when it is the standard one."""
    return gettext(DEFAULT_REDRESS) if text == DEFAULT_REDRESS else text
