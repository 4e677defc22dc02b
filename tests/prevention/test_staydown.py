from __future__ import annotations

import pytest

from audit.models import AuditEvent
from prevention.models import Fingerprint
from prevention.staydown import (
    fingerprint_digest,
    record_removed_values,
    release_removed_values,
    staydown_matches,
)
from tests.prevention.conftest import removal_decision

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"


def test_removal_fingerprints_disclosed_values_as_keyed_hashes_only(complaint):
    added = record_removed_values(removal_decision(complaint))

    rows = list(Fingerprint.objects.filter(complaint=complaint))
    assert added == len(rows) == 3
    assert {r.kind for r in rows} == {"id_number", "phone", "bank_card"}
    assert all(r.case_reference == complaint.reference for r in rows)
    stored = " ".join(f"{r.digest} {r.kind} {r.case_reference}" for r in rows)
    for clear in (ID_NUMBER, "13912345678", "+8613912345678", "6222021234567894"):
        assert clear not in stored
    assert fingerprint_digest("id_number", ID_NUMBER) in {r.digest for r in rows}


def test_recording_is_audited_without_values_and_idempotent(complaint):
    record_removed_values(removal_decision(complaint))
    assert record_removed_values(removal_decision(complaint)) == 0

    events = AuditEvent.objects.filter(code="staydown.recorded", target_id=str(complaint.pk))
    assert events.count() == 1
    details = events.get().details
    assert details["new_by_kind"] == {"id_number": 1, "phone": 1, "bank_card": 1}
    assert ID_NUMBER not in str(details)


def test_decisions_that_do_not_remove_record_nothing(complaint):
    assert record_removed_values(removal_decision(complaint, measure="no_action")) == 0
    assert record_removed_values(removal_decision(complaint, measure="restrict_visibility")) == 0
    assert not Fingerprint.objects.exists()


def test_explicit_values_are_normalised_before_hashing(complaint):
    record_removed_values(
        removal_decision(complaint), values=[("email", " Victim@Example.COM "), ("phone", "not a number")]
    )
    assert Fingerprint.objects.filter(digest=fingerprint_digest("email", "victim@example.com")).exists()
    assert not Fingerprint.objects.filter(kind="phone", digest=fingerprint_digest("phone", "not a number")).exists()


def test_matches_name_the_case_and_stop_after_release(complaint):
    record_removed_values(removal_decision(complaint))
    pair = ("id_number", ID_NUMBER)
    assert staydown_matches([pair, ("phone", "+8613800000000")]) == {pair: complaint.reference}

    assert release_removed_values(removal_decision(complaint), reason="appeal upheld") == 3
    assert staydown_matches([pair]) == {}
    # Recording again (the measure re-imposed) brings the fingerprints back.
    assert record_removed_values(removal_decision(complaint)) == 3
    assert staydown_matches([pair]) == {pair: complaint.reference}


def test_a_lookup_is_one_query_however_many_values(complaint, django_assert_num_queries):
    record_removed_values(removal_decision(complaint))
    pairs = [("phone", f"+86139{i:08d}") for i in range(50)]
    with django_assert_num_queries(1):
        staydown_matches(pairs)
    with django_assert_num_queries(0):
        staydown_matches([])


def test_a_disguised_repost_hashes_to_the_same_fingerprint(complaint):
    from prevention.detectors import scan

    record_removed_values(removal_decision(complaint))
    repost = "又来了 l39🔥l234✨5678 和 1101O5l9491231002x"
    pairs = [(f.type, f.normalized) for f in scan(repost)]
    assert sorted(pairs) == [("id_number", ID_NUMBER), ("phone", "+8613912345678")]
    assert set(staydown_matches(pairs).values()) == {complaint.reference}


def test_the_lookup_does_not_grow_with_the_number_of_fingerprints(complaint, django_assert_num_queries):
    from django.utils import timezone

    record_removed_values(removal_decision(complaint))
    now = timezone.now()
    Fingerprint.objects.bulk_create(
        Fingerprint(
            digest=fingerprint_digest("phone", f"+86137{i:08d}"), kind="phone", complaint=complaint,
            case_reference=complaint.reference, decision_id=1, created_at=now,
        )
        for i in range(3000)
    )  # fmt: skip
    pair = ("id_number", ID_NUMBER)
    with django_assert_num_queries(1) as captured:
        assert staydown_matches([pair, ("phone", "+8613700000007")]) == {
            pair: complaint.reference, ("phone", "+8613700000007"): complaint.reference,
        }  # fmt: skip
    # One probe of the digest index per value, whatever the table holds.
    assert "IN" in captured.captured_queries[0]["sql"].upper()
