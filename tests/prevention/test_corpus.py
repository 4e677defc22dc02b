"""The evaluation corpus: deterministic, synthetic, honest about its spans, and the
detectors' precision and recall on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prevention.corpus import KindScore, evaluate, generate, main
from prevention.detectors import Finding, normalize_value

GATED_KINDS = ("id_number", "phone", "bank_card")


@pytest.fixture(scope="module")
def corpus() -> list:
    return generate(3000, seed=2024)


def test_same_seed_gives_the_same_corpus_and_another_seed_a_different_one() -> None:
    assert generate(50, seed=5) == generate(50, seed=5)
    assert generate(50, seed=5) != generate(50, seed=6)


def test_planted_spans_point_at_their_values_in_the_text(corpus: list) -> None:
    for sample in corpus:
        for planted in sample.planted:
            assert sample.text[planted.start : planted.end] == planted.value
        assert sample.spans_by_kind() == {
            kind: [(p.start, p.end) for p in sample.planted if p.kind == kind]
            for kind in {p.kind for p in sample.planted}
        }


def test_planted_values_are_valid_values_of_their_kind(corpus: list) -> None:
    # The generator computes check characters itself; the detectors must agree with it
    # on what each planted value is.
    for sample in corpus:
        for planted in sample.planted:
            if planted.kind in ("id_number", "phone", "bank_card", "email", "licence_plate"):
                assert normalize_value(planted.kind, planted.value) == planted.normalized, planted


def test_corpus_mixes_languages_obfuscations_and_hard_negatives(corpus: list) -> None:
    assert {s.lang for s in corpus} == {"zh", "en"}
    obfuscations = {p.obfuscation for s in corpus for p in s.planted}
    assert {"plain", "spaced", "fullwidth", "zero_width", "chinese", "mixed"} <= obfuscations
    negatives = {n for s in corpus for n in s.hard_negatives}
    assert {
        "order_number",
        "timestamp",
        "wrong_check_id",
        "wrong_check_card",
        "tracking_number",
        "price",
        "date_prose",
    } <= negatives
    assert any(not s.planted for s in corpus)


def test_generated_contact_values_use_reserved_or_random_ranges(corpus: list) -> None:
    emails = [p.normalized for s in corpus for p in s.planted if p.kind == "email"]
    assert emails and all(e.split("@")[1].split(".")[-2] == "example" for e in emails)
    uk = [p.normalized for s in corpus for p in s.planted if p.normalized.startswith("+44")]
    assert all(n.startswith("+442079460") for n in uk)  # Ofcom: 020 7946 0000-0999


@pytest.mark.parametrize("kind", GATED_KINDS)
def test_precision_and_recall_on_the_corpus_are_at_least_098(corpus: list, kind: str) -> None:
    score = evaluate(corpus)[kind]
    assert score.true_positives > 300
    assert score.precision >= 0.98, score
    assert score.recall >= 0.98, score


def test_evaluate_counts_misses_and_false_alarms() -> None:
    sample = next(s for s in generate(200, seed=3) if s.planted and s.planted[0].kind == "phone")
    planted = sample.planted[0]
    spurious = Finding("phone", 0, 1, sample.text[0], "+860", 0.9)

    def finds_only_a_false_alarm(text: str, **kwargs: object) -> list[Finding]:
        return [spurious]

    scores = evaluate([sample], scan_fn=finds_only_a_false_alarm)
    phone = scores["phone"]
    assert (phone.true_positives, phone.false_positives) == (0, 1)
    assert phone.false_negatives == sum(1 for p in sample.planted if p.kind == "phone")

    def finds_the_planted_phone(text: str, **kwargs: object) -> list[Finding]:
        return [
            Finding("phone", planted.start, planted.end, planted.value, planted.normalized, 1.0)
        ]

    assert evaluate([sample], scan_fn=finds_the_planted_phone)["phone"].true_positives == 1


def test_score_of_a_kind_never_planted_nor_found_is_perfect() -> None:
    empty = KindScore("email", 0, 0, 0)
    assert (empty.precision, empty.recall) == (1.0, 1.0)


def test_command_line_writes_one_json_object_per_post(tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    assert main(["--out", str(out), "--n", "25", "--seed", "9"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 25
    records = [json.loads(line) for line in lines]
    assert records[0] == generate(25, seed=9)[0].to_json()
    for record in records:
        for planted in record["planted"]:
            assert record["text"][planted["start"] : planted["end"]] == planted["value"]
