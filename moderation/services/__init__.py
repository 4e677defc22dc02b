"""Writes of the moderator workspace: one function per state change, by what it changes.

Each function owns its transaction, writes its audit event (``moderation.events``)
inside it and sets its effects going through ``moderation.hooks`` or after commit.
Where a function both checks and writes, ``check_*`` validates and locks and
``do_*`` writes ("call while holding the lock"). Views, the API and timers call these
and nothing else changes moderation rows.

The names below are the package's interface; the modules say what each part changes.
"""

from moderation.services.appeals import appeal_decide, appeal_file
from moderation.services.claims import (
    CLAIM_EXPIRY,
    claim_expire,
    claim_minutes,
    claim_release,
    claim_take,
)
from moderation.services.common import (
    REVIEWERS,
    SENIORS,
    active_claim,
    case_version,
    case_viewed,
    claim_holder,
    is_senior,
    submitter_key_for,
)
from moderation.services.conversation import (
    conversation_read_until,
    conversation_reply,
    conversation_viewed,
    evidence_clear_for,
    evidence_view_set,
)
from moderation.services.counter_notices import (
    COUNTER_NOTICE_WAIT,
    PROOF_KINDS,
    UNLAWFUL_IN_ITSELF,
    CounterNoticeInput,
    counter_notice_forward,
    counter_notice_proof,
    counter_notice_submit,
    counter_notice_wait_ended,
    erase_redress_personal_data,
    poster_notice_by_token,
)
from moderation.services.decisions import (
    MEASURE_END,
    REPORT_OUTCOMES,
    DecisionInput,
    decision_create,
    item_action_record,
    item_action_report,
    measure_end,
    statement_of_reasons,
)
from moderation.services.incidents import (
    BulkResult,
    incident_add_cases,
    incident_create,
    incident_decide,
)
from moderation.services.misuse import (
    MISUSE_SUSPENSION_END,
    forget_cached_suspensions,
    misuse_figures,
    misuse_recommended,
    misuse_suspend,
    misuse_suspension_end,
    misuse_thresholds,
    misuse_warn,
    refuse_if_suspended,
)

__all__ = [
    "CLAIM_EXPIRY", "COUNTER_NOTICE_WAIT", "MEASURE_END", "MISUSE_SUSPENSION_END", "PROOF_KINDS", "REPORT_OUTCOMES",
    "REVIEWERS",
    "SENIORS", "UNLAWFUL_IN_ITSELF", "BulkResult", "CounterNoticeInput", "DecisionInput", "active_claim",
    "appeal_decide", "appeal_file", "case_version", "case_viewed", "claim_expire", "conversation_read_until",
    "conversation_reply", "conversation_viewed", "evidence_clear_for", "evidence_view_set", "claim_holder", "claim_minutes",
    "claim_release", "claim_take", "counter_notice_forward", "counter_notice_proof", "counter_notice_submit",
    "counter_notice_wait_ended", "decision_create", "erase_redress_personal_data", "forget_cached_suspensions",
    "incident_add_cases", "incident_create", "incident_decide", "is_senior", "item_action_record", "item_action_report",
    "measure_end",
    "misuse_figures", "misuse_recommended", "misuse_suspend", "misuse_suspension_end", "misuse_thresholds",
    "misuse_warn", "poster_notice_by_token", "refuse_if_suspended", "statement_of_reasons", "submitter_key_for",
]
