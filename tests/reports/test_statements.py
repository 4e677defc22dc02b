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
            **extra,
        )
    # Decisions refuse personal data now (tests/moderation/test_personal_data_leaving_the_case.py);
    # ones recorded before that rule must still leave it out of the export.
    from moderation.models import Decision

    Decision.objects.update(facts="Chen Jing's address and +86 138 0013 8000 and chen@example.com were posted.")
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


# --- Territorial scope at decision time ------------------------------------------------------


def _decide_through_the_api(client, complaint, **body):
    payload = {"measure": "remove", "facts": "A home address was posted.", "legal_ground": "PIPL Art. 10",
               "explanation": "Publishing a home address without consent is unlawful.", **body}
    return client.post(f"/api/v1/cases/{complaint.reference}/decisions", payload, format="json")


def test_a_scope_code_that_is_not_a_country_is_refused_with_the_field_named(db, senior):
    client = token_client(senior)
    for scope in (["ZZ"], ["DE", "XX"], ["GRC"], ["12"]):
        response = _decide_through_the_api(client, submit().complaint, territorial_scope=scope)
        assert response.status_code == 400, scope
        error = response.json()["error"]
        assert "territorial_scope" in error["fields"], scope
    refused = _decide_through_the_api(client, submit().complaint, territorial_scope=["ZZ"]).json()["error"]
    assert "ZZ" in refused["fields"]["territorial_scope"][0]
    from moderation.models import Decision

    assert not Decision.objects.exists()


def test_eu_aliases_are_stored_as_iso_codes_and_exported_whole(db, senior):
    from moderation.models import Decision

    client = token_client(senior)
    complaint = submit().complaint
    response = _decide_through_the_api(client, complaint, territorial_scope=["el", "DE", "GR", "uk"])
    assert response.status_code == 201, response.json()
    decision = Decision.objects.get(complaint=complaint)
    assert decision.territorial_scope == ["DE", "GB", "GR"]
    body = token_client(make_staff("platform", roles.PLATFORM)).get("/api/v1/statements-of-reasons/?format=dsa").json()
    assert [s["territorial_scope"] for s in body["statements"]] == [["DE", "GR"]]
    assert body["withheld"] == []


# --- Nothing the database would refuse is emitted, nothing vanishes --------------------------


def test_a_statement_the_database_would_refuse_is_withheld_with_its_reason(db, senior):
    from datetime import date

    from moderation.models import Decision

    kept = decide(submit().complaint, senior, "remove", end_date=date(2037, 12, 31))
    too_late = decide(submit().complaint, senior, "disable", end_date=date(2040, 6, 1))
    outside = decide(submit().complaint, senior, "remove", territorial_scope=["CN", "US"])
    legacy = decide(submit().complaint, senior, "remove")
    # A scope stored before codes were checked at decision time.
    Decision.objects.filter(pk=legacy.pk).update(territorial_scope=["ZZ", "EL"])
    body = token_client(make_staff("platform", roles.PLATFORM)).get("/api/v1/statements-of-reasons/?format=dsa").json()
    assert [s["puid"] for s in body["statements"]] == [f"takedown-decision-{kept.pk}"]
    assert all(validate(s) == {} for s in body["statements"])
    withheld = {w["decision_id"]: w for w in body["withheld"]}
    assert set(withheld) == {too_late.pk, outside.pk, legacy.pk}
    assert withheld[too_late.pk]["reason"] == "invalid"
    assert "end_date_visibility_restriction" in withheld[too_late.pk]["errors"]
    assert withheld[outside.pk]["reason"] == "outside_eea"
    assert withheld[legacy.pk]["reason"] == "not_a_country" and "ZZ" in withheld[legacy.pk]["errors"]["territorial_scope"][0]
    assert withheld[legacy.pk]["puid"] == f"takedown-decision-{legacy.pk}"


def test_the_pager_never_ends_on_an_empty_batch_and_lists_each_withheld_decision_once(db, senior):
    from datetime import date

    pattern = "SWSWWSWWSWWW"  # S: exportable, W: withheld (out of the EEA or past 2038)
    expected_s, expected_w = [], []
    for n, kind in enumerate(pattern):
        complaint = submit().complaint
        if kind == "S":
            expected_s.append(decide(complaint, senior, "remove").pk)
        elif n % 2:
            expected_w.append(decide(complaint, senior, "remove", territorial_scope=["CN"]).pk)
        else:
            expected_w.append(decide(complaint, senior, "disable", end_date=date(2045, 1, 1)).pk)
    client = token_client(make_staff("platform", roles.PLATFORM))
    for limit in (1, 2, 3, 4, 100):
        seen_s, seen_w, pages = [], [], 0
        url = f"/api/v1/statements-of-reasons/?format=dsa&limit={limit}"
        while url:
            body = client.get(url).json()
            pages += 1
            assert 1 <= len(body["statements"]) <= limit, (limit, pages)
            assert validate_batch(body["statements"]) == {}
            seen_s += [int(s["puid"].rsplit("-", 1)[1]) for s in body["statements"]]
            seen_w += [w["decision_id"] for w in body["withheld"]]
            url = body["next"]
        assert seen_s == expected_s, limit
        assert sorted(seen_w) == sorted(expected_w) and len(seen_w) == len(set(seen_w)), limit
        assert pages == -(-len(expected_s) // limit)


def test_with_nothing_to_export_the_only_batch_is_empty_and_final(db, senior):
    withheld = decide(submit().complaint, senior, "remove", territorial_scope=["CN"])
    body = token_client(make_staff("platform", roles.PLATFORM)).get("/api/v1/statements-of-reasons/?format=dsa").json()
    assert body["statements"] == [] and body["next"] is None
    assert [w["decision_id"] for w in body["withheld"]] == [withheld.pk]
