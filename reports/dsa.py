"""The DSA Transparency Database's statement-of-reasons format, and a validator for it.

Field names, enumeration keys and the conditional rules follow the Transparency
Database's published API documentation ("API and Schema", transparency.dsa.ec.europa.eu,
page ``api-documentation``) and the validation rules of its open-source application
(github.com/digital-services-act/transparency-database, the statement store request
rules). Pure module: no database, so it checks any statement, ours or a fixture.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from takedown import countries

# "The multiple endpoint is capable of making 100 statements per call"; its request rule is
# ``statements: required|array|between:1,100`` (StatementMultipleAPIController).
BATCH_LIMIT = 100

DECISION_VISIBILITIES = frozenset(
    {
        "DECISION_VISIBILITY_CONTENT_REMOVED",
        "DECISION_VISIBILITY_CONTENT_DISABLED",
        "DECISION_VISIBILITY_CONTENT_DEMOTED",
        "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
        "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
        "DECISION_VISIBILITY_CONTENT_LABELLED",
        "DECISION_VISIBILITY_OTHER",
    }
)
DECISION_MONETARIES = frozenset(
    {"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"}
)
DECISION_PROVISIONS = frozenset(
    {
        "DECISION_PROVISION_PARTIAL_SUSPENSION",
        "DECISION_PROVISION_TOTAL_SUSPENSION",
        "DECISION_PROVISION_PARTIAL_TERMINATION",
        "DECISION_PROVISION_TOTAL_TERMINATION",
    }
)
DECISION_ACCOUNTS = frozenset({"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"})
ACCOUNT_TYPES = frozenset({"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"})
DECISION_GROUNDS = frozenset({"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"})
CONTENT_TYPES = frozenset(
    {
        "CONTENT_TYPE_APP",
        "CONTENT_TYPE_AUDIO",
        "CONTENT_TYPE_IMAGE",
        "CONTENT_TYPE_PRODUCT",
        "CONTENT_TYPE_SYNTHETIC_MEDIA",
        "CONTENT_TYPE_TEXT",
        "CONTENT_TYPE_VIDEO",
        "CONTENT_TYPE_OTHER",
    }
)
STATEMENT_CATEGORIES = frozenset(
    {
        "STATEMENT_CATEGORY_ANIMAL_WELFARE",
        "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
        "STATEMENT_CATEGORY_CYBER_VIOLENCE",
        "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "STATEMENT_CATEGORY_SELF_HARM",
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        "STATEMENT_CATEGORY_VIOLENCE",
    }
)
# The keywords this product uses (a subset of the published list is enough to check ours;
# a keyword outside this set is reported, never silently passed).
KEYWORDS = frozenset(
    {
        "KEYWORD_CYBER_BULLYING_INTIMIDATION",
        "KEYWORD_CYBER_HARASSMENT",
        "KEYWORD_CYBER_INCITEMENT",
        "KEYWORD_CYBER_STALKING",
        "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
        "KEYWORD_BIOMETRIC_DATA_BREACH",
        "KEYWORD_MISSING_PROCESSING_GROUND",
        "KEYWORD_RIGHT_TO_BE_FORGOTTEN",
        "KEYWORD_DATA_FALSIFICATION",
        "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
        "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
        "KEYWORD_SELF_MUTILATION",
        "KEYWORD_SUICIDE",
        "KEYWORD_COORDINATED_HARM",
        "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
        "KEYWORD_OTHER",
    }
)
SOURCE_TYPES = frozenset(
    {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"}
)
YES_NO = frozenset({"Yes", "No"})
AUTOMATED_DECISIONS = frozenset(
    {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
)
# territorial_scope: EU/EEA members only, ISO codes ("GR", never "EL"); see takedown.countries.
EUROPEAN_COUNTRY_CODES = countries.EEA_SET
ISO_639_1 = frozenset(
    (
        "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy "
        "da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht "
        "hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky "
        "la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny "
        "oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss "
        "st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo "
        "za zh zu"
    ).upper().split()
)

PUID_RE = re.compile(r"^[a-zA-Z0-9_-]+\Z")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*\Z", re.IGNORECASE)

# Personal data must never be submitted (DSA Art. 24(5)); these catch the obvious kinds.
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE_OR_ID_RE = re.compile(r"(?<![\w-])\+?\d[\d \-]{6,}\d[\dXx]?(?![\w-])")
_CN_ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")

TEXT_FIELDS = (
    "decision_visibility_other",
    "decision_monetary_other",
    "decision_facts",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "content_type_other",
    "category_specification_other",
    "source_identity",
)
MAX_LENGTHS = {
    "decision_visibility_other": 500,
    "decision_monetary_other": 500,
    "decision_ground_reference_url": 500,
    "illegal_content_legal_ground": 500,
    "illegal_content_explanation": 2000,
    "incompatible_content_ground": 500,
    "incompatible_content_explanation": 2000,
    "content_type_other": 500,
    "category_specification_other": 500,
    "decision_facts": 5000,
    "source_identity": 500,
    "puid": 500,
}


def _present(statement: Mapping[str, Any], name: str) -> bool:
    value = statement.get(name)
    return value not in (None, "", [])


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not DATE_RE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def contains_personal_data(text: str) -> bool:
    return bool(_EMAIL_RE.search(text) or _CN_ID_RE.search(text) or _PHONE_OR_ID_RE.search(text))


def validate(statement: Mapping[str, Any]) -> dict[str, list[str]]:
    """Errors by field name; empty when the statement satisfies the published rules."""
    check = _Rules(statement)
    check.decision()
    check.grounds()
    check.content()
    check.dates()
    check.source_and_text()
    return check.errors


class _Rules:
    """The database's rules, one group of fields per method (StatementStoreRequest)."""

    def __init__(self, statement: Mapping[str, Any]) -> None:
        self.statement = statement
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def present(self, name: str) -> bool:
        return _present(self.statement, name)

    def one_of(self, name: str, allowed: frozenset[str], *, required: bool) -> None:
        if not self.present(name):
            if required:
                self.fail(name, "required")
            return
        if self.statement[name] not in allowed:
            self.fail(name, f"not an allowed value: {self.statement[name]!r}")

    def many_of(self, name: str, allowed: frozenset[str], *, required: bool) -> list[str]:
        value = self.statement.get(name)
        if value in (None, []):
            if required:
                self.fail(name, "required: an array with at least one value")
            return []
        if not isinstance(value, list):
            self.fail(name, "must be an array")
            return []
        for element in value:
            if element not in allowed:
                self.fail(name, f"not an allowed value: {element!r}")
        return value

    def required_exactly_when(self, name: str, condition: bool, why: str) -> None:
        # The API's "required_if ... exclude_unless ...": present when the condition
        # holds, absent otherwise.
        if condition and not self.present(name):
            self.fail(name, f"required when {why}")
        if not condition and self.present(name):
            self.fail(name, f"must be empty unless {why}")

    def decision(self) -> None:
        restrictions = ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")
        if not any(self.present(name) for name in restrictions):
            self.fail("decision_visibility", "at least one of " + ", ".join(restrictions) + " is required")
        visibility = self.many_of("decision_visibility", DECISION_VISIBILITIES, required=False)
        self.required_exactly_when(
            "decision_visibility_other", "DECISION_VISIBILITY_OTHER" in visibility,
            "decision_visibility has DECISION_VISIBILITY_OTHER",
        )
        self.one_of("decision_monetary", DECISION_MONETARIES, required=False)
        self.required_exactly_when(
            "decision_monetary_other",
            self.statement.get("decision_monetary") == "DECISION_MONETARY_OTHER",
            "decision_monetary is DECISION_MONETARY_OTHER",
        )
        self.one_of("decision_provision", DECISION_PROVISIONS, required=False)
        self.one_of("decision_account", DECISION_ACCOUNTS, required=False)
        self.one_of("account_type", ACCOUNT_TYPES, required=False)

    def grounds(self) -> None:
        self.one_of("decision_ground", DECISION_GROUNDS, required=True)
        illegal = self.statement.get("decision_ground") == "DECISION_GROUND_ILLEGAL_CONTENT"
        incompatible = self.statement.get("decision_ground") == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
        why_illegal = "decision_ground is DECISION_GROUND_ILLEGAL_CONTENT"
        why_incompatible = "decision_ground is DECISION_GROUND_INCOMPATIBLE_CONTENT"
        self.required_exactly_when("illegal_content_legal_ground", illegal, why_illegal)
        self.required_exactly_when("illegal_content_explanation", illegal, why_illegal)
        self.required_exactly_when("incompatible_content_ground", incompatible, why_incompatible)
        self.required_exactly_when("incompatible_content_explanation", incompatible, why_incompatible)
        if self.present("incompatible_content_illegal"):
            if not incompatible:
                self.fail("incompatible_content_illegal", f"must be empty unless {why_incompatible}")
            elif self.statement["incompatible_content_illegal"] not in YES_NO:
                self.fail("incompatible_content_illegal", "must be Yes or No")
        if self.present("decision_ground_reference_url") and not URL_RE.match(
            str(self.statement["decision_ground_reference_url"])
        ):
            self.fail("decision_ground_reference_url", "must be a URL")

    def content(self) -> None:
        content_types = self.many_of("content_type", CONTENT_TYPES, required=True)
        self.required_exactly_when(
            "content_type_other", "CONTENT_TYPE_OTHER" in content_types, "content_type has CONTENT_TYPE_OTHER"
        )
        self.one_of("category", STATEMENT_CATEGORIES, required=True)
        self.many_of("category_addition", STATEMENT_CATEGORIES, required=False)
        self.many_of("category_specification", KEYWORDS, required=False)
        self.many_of("territorial_scope", EUROPEAN_COUNTRY_CODES, required=True)
        if self.present("content_language") and self.statement["content_language"] not in ISO_639_1:
            self.fail("content_language", "must be an upper-case ISO 639-1 code")

    def dates(self) -> None:
        content_date = _date(self.statement.get("content_date"))
        if content_date is None:
            self.fail("content_date", "required, as YYYY-MM-DD")
        elif not date(2000, 1, 1) <= content_date <= date(2038, 1, 1):
            self.fail("content_date", "must be between 2000-01-01 and 2038-01-01")
        application_date = _date(self.statement.get("application_date"))
        if application_date is None:
            self.fail("application_date", "required, as YYYY-MM-DD")
        elif not date(2020, 1, 1) <= application_date <= date(2038, 1, 1):
            self.fail("application_date", "must be between 2020-01-01 and 2038-01-01")
        for name in (
            "end_date_account_restriction",
            "end_date_monetary_restriction",
            "end_date_service_restriction",
            "end_date_visibility_restriction",
        ):
            if not self.present(name):
                continue
            end = _date(self.statement[name])
            if end is None:
                self.fail(name, "must be YYYY-MM-DD")
            elif end > date(2038, 1, 1) or (application_date and end < application_date):
                self.fail(name, "must be on or after application_date and not after 2038-01-01")

    def source_and_text(self) -> None:
        if not self.present("decision_facts"):
            self.fail("decision_facts", "required")
        self.one_of("source_type", SOURCE_TYPES, required=True)
        if self.statement.get("source_type") == "SOURCE_VOLUNTARY" and self.present("source_identity"):
            self.fail("source_identity", "is not taken into account for SOURCE_VOLUNTARY: leave it empty")
        self.one_of("automated_detection", YES_NO, required=True)
        self.one_of("automated_decision", AUTOMATED_DECISIONS, required=True)
        puid = self.statement.get("puid")
        if not self.present("puid"):
            self.fail("puid", "required")
        elif not isinstance(puid, str) or not PUID_RE.match(puid):
            self.fail("puid", "only a-z, A-Z, 0-9, hyphens and underscores")
        for name, limit in MAX_LENGTHS.items():
            value = self.statement.get(name)
            if isinstance(value, str) and len(value) > limit:
                self.fail(name, f"at most {limit} characters")
        for name in TEXT_FIELDS:
            value = self.statement.get(name)
            if isinstance(value, str) and contains_personal_data(value):
                self.fail(name, "looks like it contains personal data (e-mail, phone or ID number)")


def validate_batch(statements: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, list[str]]]:
    """Errors by ``statement_<index>``, as the API's multiple endpoint reports them."""
    statements = list(statements)
    errors: dict[str, dict[str, list[str]]] = {}
    if not 1 <= len(statements) <= BATCH_LIMIT:
        errors["statements"] = {"statements": [f"between 1 and {BATCH_LIMIT} statements per batch"]}
    seen: set[str] = set()
    for index, statement in enumerate(statements):
        found = validate(statement)
        puid = statement.get("puid")
        if isinstance(puid, str):
            if puid in seen:
                found.setdefault("puid", []).append("not unique within the platform")
            seen.add(puid)
        if found:
            errors[f"statement_{index}"] = found
    return errors
