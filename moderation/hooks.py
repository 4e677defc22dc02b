"""Extension points of the moderator workspace (see takedown.extensions).

The decision services call these inside the decision's transaction, after the
decision and its audit event are written, so what higher layers do (instruct the
host platform, keep removed information down, assess an incident, freeze a case)
commits or rolls back with it.
"""

from __future__ import annotations

from takedown.extensions import Hook

measure_taken = Hook(
    "moderation.measure_taken",
    "fn(decision, items, actor=): a restrictive measure was decided on these ComplaintItems; its "
    "ItemAction rows (kind apply) exist. E.g. instruct the host platform, record staydown values.",
)
measure_lifted = Hook(
    "moderation.measure_lifted",
    "fn(decision, items, actor=, reason=): a restrictive measure was taken back (counter-notice, appeal, "
    "end date); its ItemAction rows (kind lift) exist. E.g. instruct the platform, release staydown.",
)
poster_notified = Hook(
    "moderation.poster_notified",
    "fn(decision, notice, token, items): the notice is to be forwarded to the poster: the "
    "PosterNotice, the poster's private token (in clear only here) and the items the measure "
    "applies to. Forward no complainant contact data.",
)
incident_changed = Hook(
    "moderation.incident_changed",
    "fn(incident, actor): an incident was created or got new cases. E.g. reassess serious "
    "circumstances over all its cases.",
)
counter_notice_proved = Hook(
    "moderation.counter_notice_proved",
    "fn(counter=, complaint=, kind=, actor=): the complainant proved a complaint to an authority or "
    "a lawsuit after a counter-notice. E.g. place the case under legal hold.",
)
related_cases = Hook(
    "moderation.related_cases",
    "fn(complaint, limit) -> {complaint id: reason}: other cases a higher layer knows are related "
    "(e.g. the same disclosed value was removed there).",
)
case_panels = Hook(
    "moderation.case_panels",
    "fn(complaint, request) -> (template name, context) or None: a panel of the staff case page "
    "(the serious-circumstances assessment, a legal hold).",
)
incident_panels = Hook(
    "moderation.incident_panels",
    "fn(incident, request) -> (template name, context) or None: a panel of the staff incident page.",
)
