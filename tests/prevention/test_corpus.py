"""The evaluation corpus and its scoring: deterministic, judged independently of the
detectors, honest about its spans, and scored the way the module says."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from prevention import corpus as corpus_module
from prevention.corpus import KINDS, Sample, generate, judge, main
from prevention.detectors import Finding
from prevention.evaluation import Score, evaluate


@pytest.fixture(scope="module")
def corpus() -> list[Sample]:
    return generate(600, seed=5)


def test_same_seed_gives_the_same_corpus_and_another_seed_a_different_one() -> None:
    assert [s.text for s in generate(40, seed=1)] == [s.text for s in generate(40, seed=1)]
    assert [s.text for s in generate(40, seed=1)] != [s.text for s in generate(40, seed=2)]


def test_the_judge_does_not_import_the_detectors() -> None:
    imported = set()
    for module in Path(corpus_module.__file__).parent.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported |= {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
    # The corpus's modules import one another and nothing else of the product.
    assert all(
        name == "prevention.corpus" or name.startswith("prevention.corpus.")
        for name in imported
        if name and name.startswith("prevention")
    )
    assert {"prevention.corpus.judge", "faker", "stdnum", "stdnum.cn"} <= imported


def test_planted_spans_point_at_their_values_in_the_text(corpus: list[Sample]) -> None:
    for sample in corpus:
        for planted in sample.planted:
            assert sample.text[planted.start : planted.end] == planted.value
        for negative in sample.negatives:
            assert 0 <= negative.start < negative.end <= len(sample.text)


def test_every_planted_value_passes_the_judge(corpus: list[Sample]) -> None:
    for sample in corpus:
        for planted in sample.planted:
            assert judge(planted.kind, planted.normalized), planted


@pytest.mark.parametrize(
    ("kind", "value", "valid"),
    [
        ("id_number", "11010519491231002X", True),
        ("id_number", "110105194912310021", False),  # wrong check character
        ("id_number", "110105194913310025", False),  # month 13
        ("bank_card", "4111111111111111", True),
        ("bank_card", "4111111111111112", False),
        ("phone", "+8613812345678", True),
        ("phone", "+18005550199", False),  # toll-free
        ("phone", "+12015550123", True),
        ("email", "wang@example.com", True),
        ("email", "icon@2x", False),
        ("licence_plate", "京A12345", True),
        ("licence_plate", "京I12345", False),
    ],
)
def test_judge_checks_values_with_stdnum_and_libphonenumber(kind: str, value: str, valid: bool) -> None:
    assert judge(kind, value) is valid


def test_corpus_mixes_languages_kinds_obfuscations_and_hard_negatives(corpus: list[Sample]) -> None:
    assert {s.lang for s in corpus} == {"zh", "en"}
    assert {p.kind for s in corpus for p in s.planted} == set(KINDS)
    obfuscations = {p.obfuscation for s in corpus for p in s.planted}
    assert {
        "homoglyph", "emoji", "line_break", "spelled", "bare_at_dot", "hash_hint",
        "chinese_at", "spaced", "no_house_number", "lower_case", "po_box", "after_card",
    } <= obfuscations  # fmt: skip
    negatives = {n.label for s in corpus for n in s.negatives}
    assert {
        "order_number", "date_range", "file_name", "metro_line", "gift_code", "toll_free",
        "version", "tracking_number", "price", "mention", "wrong_check_id",
    } <= negatives  # fmt: skip
    assert any(not s.planted for s in corpus)


def test_generated_e_mail_addresses_come_from_faker_domains_or_qq(corpus: list[Sample]) -> None:
    emails = [p.normalized for s in corpus for p in s.planted if p.kind == "email"]
    assert emails and all("@" in e and e == e.lower() for e in emails)


def test_detectors_meet_the_quality_bars_on_the_corpus(corpus: list[Sample]) -> None:
    report = evaluate(corpus)
    assert report.macro_f1 >= 0.95, report.by_kind
    assert report.macro_precision >= 0.97, report.by_kind
    for kind, score in report.by_kind.items():
        assert score.f1 >= 0.90, (kind, score)


def test_evaluate_counts_misses_false_alarms_and_their_obfuscation() -> None:
    sample = next(s for s in generate(200, seed=3) if s.planted and s.planted[0].kind == "phone")
    planted = sample.planted[0]
    spurious = Finding("phone", planted.start, planted.end, planted.value, "+860", 0.9)

    def finds_a_wrong_number(text: str, **kwargs: object) -> list[Finding]:
        return [spurious]

    report = evaluate([sample], scan_fn=finds_a_wrong_number)
    phone = report.by_kind["phone"]
    assert (phone.true_positives, phone.false_positives) == (0, 1)
    assert phone.false_negatives == sum(1 for p in sample.planted if p.kind == "phone")
    bucket = report.by_obfuscation[f"phone/{planted.obfuscation}"]
    assert bucket.false_positives == 1 and bucket.false_negatives >= 1

    def finds_the_planted_phone(text: str, **kwargs: object) -> list[Finding]:
        return [Finding("phone", planted.start, planted.end, planted.value, planted.normalized, 1.0)]

    assert evaluate([sample], scan_fn=finds_the_planted_phone).by_kind["phone"].true_positives == 1


def test_false_alarm_on_a_hard_negative_is_counted_against_it() -> None:
    sample = next(s for s in generate(300, seed=4) if s.negatives)
    negative = sample.negatives[0]

    def alarms_on_the_negative(text: str, **kwargs: object) -> list[Finding]:
        return [Finding("phone", negative.start, negative.end, "x", "+1", 0.9)]

    report = evaluate([sample], scan_fn=alarms_on_the_negative)
    assert report.negatives[negative.label][1] == 1


def test_score_of_a_kind_never_planted_nor_found_is_perfect() -> None:
    empty = Score()
    assert (empty.precision, empty.recall) == (1.0, 1.0)
    assert Score(8, 2, 2).f1 == pytest.approx(0.8)


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
