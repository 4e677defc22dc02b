"""Scoring the detectors against the corpus of ``prevention.corpus``.

A finding is a true positive when a planted value of the same kind overlaps it and,
for the kinds with a canonical form that does not depend on where the value starts
(numbers, e-mail addresses, plates), the finding's canonical form equals the planted
one. Each planted value matches at most one finding. Everything else found is a false
positive, every planted value left unmatched a false negative.

Figures are given per kind, per obfuscation (recall of the values written that way,
and precision of what was found on them) and per kind of hard negative (false alarms),
with the macro averages over the kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from prevention.corpus import KINDS, Planted, Sample
from prevention.detectors import Finding, scan

EXACT_VALUE_KINDS = frozenset({"id_number", "phone", "bank_card", "email", "licence_plate"})


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        planted = self.true_positives + self.false_negatives
        return self.true_positives / planted if planted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    by_kind: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in KINDS})
    # "kind/obfuscation" -> score of the values planted that way
    by_obfuscation: dict[str, Score] = field(default_factory=dict)
    # hard-negative label -> (how many were planted, how many drew a false alarm)
    negatives: dict[str, list[int]] = field(default_factory=dict)
    misses: list[tuple[Sample, Planted]] = field(default_factory=list)
    false_alarms: list[tuple[Sample, Finding]] = field(default_factory=list)

    def _present(self) -> list[Score]:
        return [s for s in self.by_kind.values() if s.true_positives + s.false_negatives]

    @property
    def macro_precision(self) -> float:
        scores = self._present()
        return sum(s.precision for s in scores) / len(scores) if scores else 1.0

    @property
    def macro_recall(self) -> float:
        scores = self._present()
        return sum(s.recall for s in scores) / len(scores) if scores else 1.0

    @property
    def macro_f1(self) -> float:
        scores = self._present()
        return sum(s.f1 for s in scores) / len(scores) if scores else 1.0


def _matches(finding: Finding, planted: Planted) -> bool:
    if finding.type != planted.kind:
        return False
    if not (finding.start < planted.end and planted.start < finding.end):
        return False
    return planted.kind not in EXACT_VALUE_KINDS or finding.normalized == planted.normalized


def _bucket(report: Report, key: str) -> Score:
    score = report.by_obfuscation.get(key)
    if score is None:
        score = report.by_obfuscation[key] = Score()
    return score


def evaluate(
    samples: Iterable[Sample], scan_fn: Callable[..., list[Finding]] = scan
) -> Report:
    report = Report()
    for sample in samples:
        findings = scan_fn(sample.text, protected_names=sample.protected_names)
        unmatched = list(sample.planted)
        alarmed: set[int] = set()
        for finding in findings:
            match = next((p for p in unmatched if _matches(finding, p)), None)
            if match is not None:
                unmatched.remove(match)
                report.by_kind[match.kind].true_positives += 1
                _bucket(report, f"{match.kind}/{match.obfuscation}").true_positives += 1
                continue
            report.by_kind[finding.type].false_positives += 1
            report.false_alarms.append((sample, finding))
            on = next(
                (p for p in sample.planted if p.start < finding.end and finding.start < p.end),
                None,
            )
            if on is not None:
                _bucket(report, f"{on.kind}/{on.obfuscation}").false_positives += 1
            for i, negative in enumerate(sample.negatives):
                if negative.start < finding.end and finding.start < negative.end:
                    alarmed.add(i)
        for missed in unmatched:
            report.by_kind[missed.kind].false_negatives += 1
            _bucket(report, f"{missed.kind}/{missed.obfuscation}").false_negatives += 1
            report.misses.append((sample, missed))
        for i, negative in enumerate(sample.negatives):
            counts = report.negatives.setdefault(negative.label, [0, 0])
            counts[0] += 1
            counts[1] += i in alarmed
    return report
