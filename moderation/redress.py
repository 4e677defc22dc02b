"""The redress a decision states (DSA Art. 17(3)(f)), in the reader's language."""

from __future__ import annotations

from datetime import datetime, timedelta

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


# --- Whether a side may still appeal a decision (DSA Art. 20) ------------------------------
# One rule for the pages that offer the appeal and the service that files it.

APPEAL_POSSIBLE = "possible"
APPEAL_NOT_APPLICABLE = "not_applicable"  # a request for information is no decision on the notice
APPEAL_REVERSED = "reversed"  # the decision no longer stands
APPEAL_OPEN = "open"  # this side's appeal is being reviewed
APPEAL_DECIDED = "decided"  # this side's appeal was decided: that is the internal review
APPEAL_WINDOW_CLOSED = "window_closed"


def appeal_status(decision, side: str, *, now: datetime) -> str:
    """Whether ``side`` may appeal ``decision`` at ``now``, and if not, why (one of the above)."""
    from moderation.models import Appeal, Decision, Measure

    if decision.measure == Measure.REQUEST_INFO:
        return APPEAL_NOT_APPLICABLE
    if decision.state == Decision.State.REVERSED:
        return APPEAL_REVERSED
    states = {a.state for a in decision.appeals.all() if a.side == side}
    if Appeal.State.OPEN in states:
        return APPEAL_OPEN
    if states:
        return APPEAL_DECIDED
    if now > appeal_until(decision):
        return APPEAL_WINDOW_CLOSED
    return APPEAL_POSSIBLE


def appeal_until(decision) -> datetime:
    return decision.decided_at + timedelta(days=decision.complaint.policy.appeal_window_days)


_STILL_OPEN = gettext_noop("You may still go to court or to the competent authority.")
APPEAL_NOTES = {
    APPEAL_REVERSED: gettext_noop("This decision was reversed on appeal and can no longer be appealed."),
    APPEAL_OPEN: gettext_noop("Your appeal against this decision is being reviewed."),
    APPEAL_DECIDED: gettext_noop("Your appeal against this decision was decided; it cannot be appealed again here."),
    APPEAL_WINDOW_CLOSED: gettext_noop("The time to appeal this decision has passed."),
}


def appeal_note(status: str) -> str:
    """Why the appeal is no longer offered, and what remains, in the active language ("" if it is)."""
    if status not in APPEAL_NOTES:
        return ""
    return f"{gettext(APPEAL_NOTES[status])} {gettext(_STILL_OPEN)}"
