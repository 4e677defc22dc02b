"""Statements of reasons in the DSA Transparency Database's format (see ``reports.dsa``).

One statement per restrictive decision; ``puid`` is ``<prefix>-decision-<id>``, unique
and stable, so re-submitting a batch is recognised by the database as a repeat. Free
text is scrubbed of the case's names and contact data and of anything that looks like
an e-mail, phone or ID number: the database must receive no personal data (DSA Art. 24(5)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings

from reports.dsa import BATCH_LIMIT, EEA_COUNTRY_CODES, EUROPEAN_COUNTRY_CODES

VISIBILITY = {
    "remove": "DECISION_VISIBILITY_CONTENT_REMOVED",
    "disable": "DECISION_VISIBILITY_CONTENT_DISABLED",
    "restrict_visibility": "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "restrict_interaction": "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
}
ACCOUNT = {"suspend_account": "DECISION_ACCOUNT_SUSPENDED"}
EXPORTED_MEASURES = tuple(VISIBILITY) + tuple(ACCOUNT)
SOURCE_TYPE = {
    "public": "SOURCE_ARTICLE_16",
    "trusted_flagger": "SOURCE_TRUSTED_FLAGGER",
    # Anonymous notices lack the identity an Art. 16 notice carries; authority notices
    # are orders, not Art. 16 notices.
    "anonymous": "SOURCE_TYPE_OTHER_NOTIFICATION",
    "authority": "SOURCE_TYPE_OTHER_NOTIFICATION",
}
HARASSMENT_HARMS = frozenset({"threats", "offline_harassment", "contact_by_strangers"})

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_DIGITS = re.compile(r"\+?\d[\d \-]{6,}\d[\dXx]?")
_URL = re.compile(r"https?://\S+")
REDACTED = "[redacted]"


def puid_prefix() -> str:
    prefix = re.sub(r"[^a-zA-Z0-9_-]", "-", getattr(settings, "DSA_PUID_PREFIX", "takedown"))
    return prefix or "takedown"


def scrub(text: str, names: list[str]) -> str:
    """Remove the case's own names and contact data and anything shaped like personal data."""
    for name in sorted((n for n in names if n and len(n.strip()) >= 2), key=len, reverse=True):
        text = re.sub(re.escape(name.strip()), REDACTED, text, flags=re.IGNORECASE)
    text = _EMAIL.sub(REDACTED, text)
    text = _URL.sub(REDACTED, text)
    return _DIGITS.sub(REDACTED, text)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _territorial_scope(codes: list[str]) -> list[str]:
    """The EU/EEA part of the decision's scope; an empty scope means worldwide."""
    if not codes:
        return list(EEA_COUNTRY_CODES)
    return sorted({c.upper() for c in codes} & EUROPEAN_COUNTRY_CODES)


def statement_for(decision) -> dict[str, Any] | None:
    """The statement of one decision, or None when it is not one the database takes
    (no restriction, or no effect in the EU/EEA)."""
    complaint = decision.complaint
    scope = _territorial_scope(list(decision.territorial_scope or []))
    if decision.measure not in EXPORTED_MEASURES or not scope:
        return None
    names = [
        complaint.complainant_name,
        complaint.victim_name,
        complaint.complainant_email,
        complaint.complainant_phone,
        complaint.complainant_id_number,
    ]
    facts = _clip(scrub(decision.facts, names), 5000)
    statement: dict[str, Any] = {
        "decision_ground": (
            "DECISION_GROUND_ILLEGAL_CONTENT" if decision.ground_type == "legal" else "DECISION_GROUND_INCOMPATIBLE_CONTENT"
        ),
        "content_type": ["CONTENT_TYPE_TEXT"]
        + (["CONTENT_TYPE_IMAGE"] if {"face_image", "biometric"} & set(complaint.disclosed_info) else []),
        "category": "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "territorial_scope": scope,
        # The posting date is not known to the desk; the content existed when reported.
        "content_date": complaint.received_at.date().isoformat(),
        "application_date": decision.decided_at.date().isoformat(),
        "decision_facts": facts or "Personal information published without consent.",
        "source_type": SOURCE_TYPE.get(complaint.source, "SOURCE_TYPE_OTHER_NOTIFICATION"),
        "automated_detection": "Yes" if decision.automated_detection else "No",
        # A moderator takes every decision; automated help makes it partly automated.
        "automated_decision": (
            "AUTOMATED_DECISION_PARTIALLY" if decision.automated_decision else "AUTOMATED_DECISION_NOT_AUTOMATED"
        ),
        "puid": f"{puid_prefix()}-decision-{decision.pk}",
    }
    end = decision.end_date.isoformat() if decision.end_date else None
    if decision.measure in VISIBILITY:
        statement["decision_visibility"] = [VISIBILITY[decision.measure]]
        if end:
            statement["end_date_visibility_restriction"] = end
    else:
        statement["decision_account"] = ACCOUNT[decision.measure]
        statement["account_type"] = "ACCOUNT_TYPE_PRIVATE"
        if end:
            statement["end_date_account_restriction"] = end
    explanation = _clip(scrub(decision.explanation, names), 2000) or "Publication of personal information without consent."
    ground = _clip(scrub(decision.legal_ground, names), 500) or "Personal Information Protection Law"
    if statement["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT":
        statement["illegal_content_legal_ground"] = ground
        statement["illegal_content_explanation"] = explanation
    else:
        statement["incompatible_content_ground"] = ground
        statement["incompatible_content_explanation"] = explanation
        statement["incompatible_content_illegal"] = "Yes"
    harms = set(complaint.harms)
    keywords = ["KEYWORD_MISSING_PROCESSING_GROUND"]
    if {"face_image", "biometric"} & set(complaint.disclosed_info):
        keywords.append("KEYWORD_BIOMETRIC_DATA_BREACH")
    additions = []
    if harms & HARASSMENT_HARMS or "incitement" in harms:
        additions.append("STATEMENT_CATEGORY_CYBER_VIOLENCE")
        if harms & HARASSMENT_HARMS:
            keywords.append("KEYWORD_CYBER_HARASSMENT")
        if "incitement" in harms:
            keywords.append("KEYWORD_CYBER_INCITEMENT")
    if complaint.victim_is_minor:
        additions.append("STATEMENT_CATEGORY_PROTECTION_OF_MINORS")
    if additions:
        statement["category_addition"] = additions
    statement["category_specification"] = keywords
    return statement


@dataclass(frozen=True)
class Batch:
    statements: list[dict[str, Any]]
    next_after: int | None  # the cursor for the following batch, None at the end
    skipped: int  # decisions in this range that the database does not take


def statements_batch(*, after: int = 0, limit: int = BATCH_LIMIT) -> Batch:
    """Up to ``limit`` (at most 100) statements of decisions with id > ``after``, in id order.

    One query per batch whatever its size.
    """
    decision_model = apps.get_model("moderation", "Decision")
    limit = max(1, min(int(limit), BATCH_LIMIT))
    rows = list(
        decision_model.objects.filter(pk__gt=after, measure__in=EXPORTED_MEASURES)
        .select_related("complaint")
        .order_by("pk")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    statements = []
    skipped = 0
    for decision in rows:
        statement = statement_for(decision)
        if statement is None:
            skipped += 1
        else:
            statements.append(statement)
    return Batch(statements=statements, next_after=rows[-1].pk if more and rows else None, skipped=skipped)
