"""The validator implements the Transparency Database's published statement rules."""

import pytest

from reports.dsa import validate, validate_batch


def good(**overrides):
    statement = {
        "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
        "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
        "illegal_content_legal_ground": "PIPL Art. 10; Civil Code Art. 1034",
        "illegal_content_explanation": "A home address was published without consent.",
        "content_type": ["CONTENT_TYPE_TEXT"],
        "category": "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "territorial_scope": ["DE", "FR"],
        "content_date": "2026-01-02",
        "application_date": "2026-01-03",
        "decision_facts": "The post lists the address of a private person.",
        "source_type": "SOURCE_ARTICLE_16",
        "automated_detection": "No",
        "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
        "puid": "desk-decision-1",
    }
    statement.update(overrides)
    return statement


def test_a_complete_illegal_content_statement_is_valid():
    assert validate(good()) == {}


def test_one_restriction_is_required():
    errors = validate(good(decision_visibility=None))
    assert "decision_visibility" in errors
    assert validate(good(decision_visibility=None, decision_account="DECISION_ACCOUNT_SUSPENDED")) == {}


def test_illegal_content_ground_requires_its_two_fields_and_excludes_the_terms_fields():
    assert set(validate(good(illegal_content_explanation=""))) == {"illegal_content_explanation"}
    errors = validate(good(incompatible_content_ground="ToS 4.2"))
    assert "incompatible_content_ground" in errors


def test_incompatible_content_ground_requires_ground_and_explanation():
    statement = good(
        decision_ground="DECISION_GROUND_INCOMPATIBLE_CONTENT",
        illegal_content_legal_ground=None,
        illegal_content_explanation=None,
    )
    assert set(validate(statement)) == {"incompatible_content_ground", "incompatible_content_explanation"}
    statement.update(incompatible_content_ground="ToS 4.2", incompatible_content_explanation="Doxxing", incompatible_content_illegal="Yes")
    assert validate(statement) == {}


def test_other_values_require_their_text():
    assert "decision_visibility_other" in validate(good(decision_visibility=["DECISION_VISIBILITY_OTHER"]))
    assert "content_type_other" in validate(good(content_type=["CONTENT_TYPE_OTHER"]))
    assert "decision_monetary_other" in validate(good(decision_monetary="DECISION_MONETARY_OTHER"))


@pytest.mark.parametrize(
    "field,value",
    [
        ("category", "STATEMENT_CATEGORY_DOXXING"),
        ("source_type", "SOURCE_ARTICLE_17"),
        ("automated_detection", "yes"),
        ("automated_decision", "Yes"),
        ("territorial_scope", ["CN"]),
        ("territorial_scope", ["EL"]),  # the database takes Greece as GR only
        ("end_date_visibility_restriction", "2038-01-02"),
        ("end_date_account_restriction", "2040-01-01"),
        ("territorial_scope", []),
        ("content_type", []),
        ("application_date", "03-01-2026"),
        ("application_date", "2019-12-31"),
        ("content_date", "1999-12-31"),
        ("puid", "bad puid!"),
        ("puid", "x" * 501),
        ("decision_facts", "x" * 5001),
        ("content_language", "zh"),
    ],
)
def test_values_outside_the_published_rules_are_rejected(field, value):
    assert field in validate(good(**{field: value}))


def test_end_date_must_not_precede_the_application_date():
    assert "end_date_visibility_restriction" in validate(good(end_date_visibility_restriction="2026-01-02"))
    assert validate(good(end_date_visibility_restriction="2026-02-01")) == {}


def test_source_identity_is_refused_for_voluntary_decisions():
    assert "source_identity" in validate(good(source_type="SOURCE_VOLUNTARY", source_identity="Org"))


def test_personal_data_in_free_text_is_reported():
    assert "decision_facts" in validate(good(decision_facts="Call her on +86 138 0013 8000"))
    assert "illegal_content_explanation" in validate(good(illegal_content_explanation="mail a@b.example"))
    assert "decision_facts" in validate(good(decision_facts="ID 11010519491231002X posted"))


def test_batches_hold_at_most_one_hundred_statements_with_unique_puids():
    errors = validate_batch([good(), good()])
    assert errors == {"statement_1": {"puid": ["not unique within the platform"]}}
    many = [good(puid=f"p{i}") for i in range(101)]
    assert "statements" in validate_batch(many)
    assert "statements" in validate_batch([])  # the multiple endpoint takes 1 to 100
    assert validate_batch(many[:100]) == {}


def test_the_country_lists_are_the_databases_and_iso_3166():
    from takedown import countries

    # EuropeanCountriesService::EUROPEAN_COUNTRY_CODES of the Transparency Database.
    assert countries.EEA == tuple(
        "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK".split()
    )
    assert len(countries.EU) == 27 and set(countries.EU) < set(countries.EEA)
    assert countries.normalise(["el", "Uk", "cn", "ZZ", "XK", 7]) == (["CN", "GB", "GR"], ["ZZ", "XK", "7"])
    assert countries.eea_part([]) == list(countries.EEA)  # worldwide
    assert countries.eea_part(["CN"]) == [] and countries.eea_part(["EL", "CN", "NO"]) == ["GR", "NO"]
