"""Statements of reasons export: every exported statement passes the published rules."""

from reports.dsa import validate, validate_batch
from takedown import roles
from tests.reports.conftest import decide, make_staff, submit, token_client


def test_every_exported_statement_is_valid_unique_and_free_of_personal_data(db, senior):
    cases = [
        (submit(disclosed=["home_address"]).complaint, "remove", {}),
        (submit(disclosed=["face_image"], harms=["threats"], minor=True).complaint, "disable", {"end_date": None}),
        (submit(disclosed=["phone"]).complaint, "restrict_visibility", {"ground_type": "terms", "legal_ground": "Terms 4.2"}),
        (submit(disclosed=["phone"]).complaint, "suspend_account", {}),
        (submit(disclosed=["phone"], harms=["incitement"]).complaint, "restrict_interaction", {"territorial_scope": ["DE", "CN"]}),
    ]
    for complaint, measure, extra in cases:
        decide(
            complaint,
            senior,
            measure,
            facts="Chen Jing's address and +86 138 0013 8000 and chen@example.com were posted.",
            **extra,
        )
    client = token_client(make_staff("platform", roles.PLATFORM))
    body = client.get("/api/v1/statements-of-reasons/?format=dsa").json()
    statements = body["statements"]
    assert len(statements) == 5
    assert validate_batch(statements) == {}
    for statement in statements:
        assert validate(statement) == {}
        text = str(statement)
        assert "Chen Jing" not in text and "chen@example.com" not in text and "0013" not in text
        assert statement["category"] == "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"
    by_kind = {tuple(s.get("decision_visibility", [])) or s.get("decision_account"): s for s in statements}
    assert "DECISION_ACCOUNT_SUSPENDED" in by_kind
    terms = by_kind[("DECISION_VISIBILITY_CONTENT_DEMOTED",)]
    assert terms["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT" and "illegal_content_legal_ground" not in terms
    scoped = by_kind[("DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",)]
    assert scoped["territorial_scope"] == ["DE"]
    assert "STATEMENT_CATEGORY_CYBER_VIOLENCE" in scoped["category_addition"]
    assert len({s["puid"] for s in statements}) == 5


def test_batches_hold_at_most_100_and_the_cursor_walks_all_without_repeats(db, senior, django_assert_max_num_queries):
    for _ in range(7):
        decide(submit().complaint, senior, "remove")
    decide(submit().complaint, senior, "no_action")  # not a restriction: no statement
    client = token_client(make_staff("platform", roles.PLATFORM))
    seen = []
    url = "/api/v1/statements-of-reasons/?format=dsa&limit=3"
    while url:
        body = client.get(url).json()
        assert len(body["statements"]) <= 3
        seen += [s["puid"] for s in body["statements"]]
        url = body["next"]
    assert len(seen) == 7 == len(set(seen))
    assert client.get("/api/v1/statements-of-reasons/?format=dsa&limit=101").status_code == 400
    from reports.statements import statements_batch

    with django_assert_max_num_queries(1):
        statements_batch(limit=100)


def test_statements_are_not_public(db, api_client):
    assert api_client.get("/api/v1/statements-of-reasons/?format=dsa").status_code in (401, 403)
