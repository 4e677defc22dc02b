"""The serious-circumstances assessment against the 2017 SPC/SPP Interpretation's own rules."""

from fractions import Fraction

from reports.seriousness import (
    CAC,
    ESPECIALLY_SERIOUS,
    NONE,
    PROCURATORATE,
    PUBLIC_SECURITY,
    SERIOUS,
    Facts,
    assess,
    counts_from_locations,
)


def test_art5_1_3_fifty_items_of_whereabouts_information_are_serious():
    assert assess(Facts(counts={"whereabouts": 49})).level == NONE
    result = assess(Facts(counts={"whereabouts": 50}))
    assert result.level == SERIOUS
    assert any(line.article == "Art. 5(1)(3)" and "serious" in line.en for line in result.lines)


def test_art5_1_3_explanation_reads_in_words_in_both_languages():
    result = assess(Facts(counts={"whereabouts": 3}))
    assert "3 items of whereabouts information: 6 % of the threshold of 50" in result.text("en")
    assert "行踪轨迹信息 3 条：达到 50 条标准的 6 %" in result.text("zh-hans")


def test_art5_1_4_five_hundred_items_of_health_information_are_serious():
    assert assess(Facts(counts={"health": 499})).level == NONE
    assert assess(Facts(counts={"health": 500})).level == SERIOUS


def test_art5_1_5_other_information_needs_five_thousand_items():
    assert assess(Facts(counts={"phone": 4999})).level == NONE
    assert assess(Facts(counts={"phone": 5000})).level == SERIOUS


def test_art5_1_6_mixed_classes_are_summed_in_proportion():
    # 25/50 + 250/500 = 1: each class is below its own threshold, together they reach it.
    result = assess(Facts(counts={"whereabouts": 25, "health": 250}))
    assert result.ratio == Fraction(1)
    assert result.level == SERIOUS
    assert any(line.article == "Art. 5(1)(6)" for line in result.lines)
    below = assess(Facts(counts={"whereabouts": 24, "health": 250, "phone": 40}))
    assert below.ratio < 1 and below.level == NONE


def test_art5_1_8_information_obtained_in_service_halves_the_thresholds():
    assert assess(Facts(counts={"whereabouts": 25})).level == NONE
    assert assess(Facts(counts={"whereabouts": 25}, obtained_in_duty=True)).level == SERIOUS


def test_art5_2_3_ten_times_the_standard_is_especially_serious():
    assert assess(Facts(counts={"whereabouts": 499})).level == SERIOUS
    result = assess(Facts(counts={"whereabouts": 500}))
    assert result.level == ESPECIALLY_SERIOUS
    assert any(line.article == "Art. 5(2)(3)" for line in result.lines)
    # Ten times also counts for the proportional sum of item (6).
    assert assess(Facts(counts={"whereabouts": 250, "phone": 25000})).level == ESPECIALLY_SERIOUS


def test_art5_1_1_whereabouts_used_for_a_crime_is_serious_whatever_the_count():
    result = assess(Facts(counts={"whereabouts": 1}, used_for_crime=True))
    assert result.level == SERIOUS
    assert any(line.article == "Art. 5(1)(1)" for line in result.lines)
    other = assess(Facts(counts={"phone": 1}, used_for_crime=True))
    assert any(line.article == "Art. 5(1)(2)" for line in other.lines)


def test_art5_2_1_grave_consequence_to_the_victim_is_especially_serious():
    result = assess(Facts(counts={"phone": 1}, grave_consequence=True))
    assert result.level == ESPECIALLY_SERIOUS
    assert any(line.article == "Art. 5(2)(1)" for line in result.lines)


def test_art11_each_location_counts_the_same_information_cumulatively():
    counts = counts_from_locations(["whereabouts", "phone", "whereabouts", "not_a_kind"], 3)
    assert counts == {"phone": 3, "whereabouts": 3}


def test_threat_proposes_public_security_referral_and_priority_without_changing_level():
    result = assess(Facts(counts={"home_address": 1}, harms=frozenset({"threats"})))
    assert result.level == NONE
    assert result.raise_priority
    assert result.referrals == (PUBLIC_SECURITY,)
    assert "victim_harmed" in result.flags and "possible_other_serious" in result.flags
    assert any(line.article == "Art. 5(1)(10)" for line in result.lines)


def test_minor_with_serious_case_proposes_procuratorate_too():
    result = assess(Facts(counts={"whereabouts": 60}, victim_is_minor=True))
    assert result.referrals == (PUBLIC_SECURITY, PROCURATORATE)
    assert "minor" in result.flags and "sensitive_information" in result.flags


def test_wide_spread_by_analogy_with_the_defamation_interpretation_proposes_cac():
    result = assess(Facts(counts={"phone": 1}, shares=500))
    assert "wide_spread" in result.flags
    assert CAC in result.referrals
    assert assess(Facts(counts={"phone": 1}, shares=499, views=4999)).flags == ()


def test_every_result_says_it_is_a_flag_not_a_legal_finding():
    for facts in (Facts(), Facts(counts={"whereabouts": 500})):
        result = assess(facts)
        assert "not a legal finding" in result.lines[-1].en
        assert "不构成法律认定" in result.lines[-1].zh


def test_nothing_known_is_no_serious_circumstances_and_no_proposal():
    result = assess(Facts())
    assert result.level == NONE and result.referrals == () and not result.raise_priority
