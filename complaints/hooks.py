"""Work other apps do when a complaint changes, run inside the same transaction.

The complaint services call these lists explicitly (no Django signals), so the order
is visible and a failure rolls the whole change back. Apps append in ``ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from complaints.models import Complaint

Hook = Callable[["Complaint"], None]

# Before anything of a notice is stored or its files are read, with the unsaved
# complaint: e.g. refuse a submitter suspended for misuse. Raise a DomainError to refuse.
before_submit: list[Hook] = []
# After a notice is stored (valid or not): e.g. propose a referral for a threat to life.
on_submitted: list[Hook] = []
# After a notice becomes valid and its response clock has started.
on_became_valid: list[Hook] = []
# After the complainant adds evidence, details or a message: e.g. resume a paused clock.
on_complainant_activity: list[Hook] = []


def run(hooks: list[Hook], complaint: Complaint) -> None:
    for hook in hooks:
        hook(complaint)
