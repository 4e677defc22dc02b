"""Statements of reasons in the DSA Transparency Database's format (see ``reports.dsa``).

One statement per restrictive decision; ``puid`` is ``<prefix>-decision-<id>``, unique
and stable, so re-submitting a batch is recognised by the database as a repeat. Free
text is scrubbed of the case's names and contact data and of anything that looks like
an e-mail, phone or ID number: the database must receive no personal data (DSA Art. 24(5)).

Every statement is checked with ``reports.dsa.validate`` before it leaves: one the database
would refuse is never emitted but listed, with its reasons, as withheld. Nothing vanishes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet

from hostplatform.models import ItemRoute
from reports.dsa import BATCH_LIMIT, validate
from takedown import countries

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
    prefix = re.sub(r"[^a-zA-Z0-9_-]", "-", settings.DSA_PUID_PREFIX)
    return prefix or "takedown"


def puid_for(decision_id: int, prefix: str | None = None) -> str:
    return f"{prefix or puid_prefix()}-decision-{decision_id}"


def platform_puid_prefix(platform) -> str:
    """A platform's own puid prefix: its DSA platform identifier; the default platform without
    one keeps ``DSA_PUID_PREFIX``; another platform without one its slug."""
    own = re.sub(r"[^a-zA-Z0-9_-]", "-", platform.dsa_platform_id or "")
    if own:
        return own
    return puid_prefix() if platform.is_default else platform.slug


def platform_decision_ids(platform) -> QuerySet:
    """The ids (a subquery) of the decisions with a measure on at least one item of this platform."""
    own = ItemRoute.objects.filter(platform=platform).values("item_id")
    return apps.get_model("moderation", "ItemAction").objects.filter(item_id__in=own).values("decision_id")


def platform_decisions(platform, decisions: QuerySet | None = None) -> QuerySet:
    """The decisions with a measure on at least one item of this platform: its statements."""
    queryset = decisions if decisions is not None else exported_decisions()
    return queryset.filter(pk__in=platform_decision_ids(platform))


def scrub(text: str, names: list[str]) -> str:
    """Remove the case's own names and contact data and anything shaped like personal data."""
    for name in sorted((n for n in names if n and len(n.strip()) >= 2), key=len, reverse=True):
        text = re.sub(re.escape(name.strip()), REDACTED, text, flags=re.IGNORECASE)
    text = _EMAIL.sub(REDACTED, text)
    text = _URL.sub(REDACTED, text)
    return _DIGITS.sub(REDACTED, text)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Reason:
    NOT_A_COUNTRY = "not_a_country"  # a stored scope code that is not ISO 3166-1
    OUTSIDE_EEA = "outside_eea"  # the measure has no effect in the EU/EEA
    INVALID = "invalid"  # the statement breaks a rule of the database


@dataclass(frozen=True)
class Withheld:
    """A restrictive decision whose statement is not emitted, and why."""

    decision_id: int
    puid: str
    reason: str
    errors: dict[str, list[str]]

    def as_dict(self) -> dict[str, Any]:
        return {"decision_id": self.decision_id, "puid": self.puid, "reason": self.reason, "errors": self.errors}


def export(decision, *, prefix: str | None = None) -> dict[str, Any] | Withheld:
    """The decision's statement, valid under the database's rules, or why it is withheld.
    ``prefix``: the puid prefix of the platform issuing it (default: ``DSA_PUID_PREFIX``)."""
    codes = list(decision.territorial_scope or [])
    _valid, invalid = countries.normalise(codes)
    if invalid:
        return Withheld(decision.pk, puid_for(decision.pk, prefix), Reason.NOT_A_COUNTRY,
                        {"territorial_scope": countries.scope_errors(codes)})
    scope = countries.eea_part(codes)
    if not scope:
        return Withheld(decision.pk, puid_for(decision.pk, prefix), Reason.OUTSIDE_EEA, {
            "territorial_scope": [f"No EU/EEA country in the decision's scope ({', '.join(codes)}): "
                                  "the database only records decisions with effect there."]})
    statement = statement_for(decision, scope)
    statement["puid"] = puid_for(decision.pk, prefix)
    errors = validate(statement)
    if errors:
        return Withheld(decision.pk, statement["puid"], Reason.INVALID, errors)
    return statement


def statement_for(decision, scope: list[str]) -> dict[str, Any]:
    """The statement of one restrictive decision over the EU/EEA part of its scope (not yet
    validated: ``export`` is the way out)."""
    complaint = decision.complaint
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
        "puid": puid_for(decision.pk),
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
    statements: list[dict[str, Any]]  # 1..100, except when nothing at all is left to export
    decision_ids: list[int]  # the decision of each statement, in the same order
    withheld: list[Withheld]  # decisions in this batch's range whose statement is not emitted
    next_after: int | None  # the cursor for the following batch, None at the end


def exported_decisions() -> QuerySet:
    decision_model = apps.get_model("moderation", "Decision")
    return decision_model.objects.filter(measure__in=EXPORTED_MEASURES)


def statements_batch(*, after: int = 0, limit: int = BATCH_LIMIT, decisions: QuerySet | None = None,
                     platform=None) -> Batch:
    """Up to ``limit`` (1..100) valid statements of decisions with id > ``after``, in id order.

    A batch covers the decisions up to its last statement (up to the end for the last
    batch); the withheld ones in that range are listed with it. ``next_after`` is given only
    when another statement exists beyond, so following it never yields an empty batch.
    Usually one query: rows are read ``limit + 1`` at a time until the batch is full and one
    more statement is seen (or the rows run out).
    """
    limit = max(1, min(int(limit), BATCH_LIMIT))
    queryset = decisions if decisions is not None else exported_decisions()
    prefix = None
    if platform is not None:  # one platform's statements, under its own identifier
        queryset, prefix = platform_decisions(platform, queryset), platform_puid_prefix(platform)
    queryset = queryset.select_related("complaint").order_by("pk")
    statements: list[dict[str, Any]] = []
    decision_ids: list[int] = []
    withheld: list[Withheld] = []
    withheld_after_last: list[Withheld] = []
    cursor, more = after, False
    while not more:
        rows = list(queryset.filter(pk__gt=cursor)[: limit + 1])
        for decision in rows:
            outcome = export(decision, prefix=prefix)
            if isinstance(outcome, Withheld):
                withheld_after_last.append(outcome)
                continue
            if len(statements) == limit:
                more = True  # a statement beyond this batch: there is a next one
                break
            statements.append(outcome)
            decision_ids.append(decision.pk)
            withheld += withheld_after_last
            withheld_after_last = []
        if len(rows) <= limit:
            break
        cursor = rows[-1].pk
    if not more:
        withheld += withheld_after_last  # the last batch covers everything to the end
    return Batch(statements=statements, decision_ids=decision_ids, withheld=withheld,
                 next_after=decision_ids[-1] if more else None)
