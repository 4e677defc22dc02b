"""Legal holds refuse changes and log the refusal; investigators see only covered cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from preservation.holds import flush_refusals, guard_mutation, place_hold, release_hold
from preservation.legal import investigator_can_see
from preservation.models import LegalHold
from preservation.selectors import is_held
from takedown.exceptions import Conflict

pytestmark = pytest.mark.django_db


def test_place_hold_hashes_every_record_in_scope_and_logs_it(make_complaint):
    complaint = make_complaint()
    hold = place_hold(complaints=[complaint], reason="Preservation order 17/2026", actor="user:1")
    case = hold.manifest["cases"][0]
    assert case["reference"] == complaint.reference
    assert len(case["record_sha256"]) == 64
    assert len(case["items_sha256"]) == 1
    assert [e["id"] for e in case["events"]] == list(
        AuditEvent.objects.filter(target_type="complaint", target_id=str(complaint.pk))
        .exclude(code="case.hold_placed")
        .values_list("pk", flat=True)
    )
    assert len(hold.manifest_sha256) == 64
    placed = AuditEvent.objects.get(code="hold.placed")
    assert placed.details["manifest_sha256"] == hold.manifest_sha256
    assert placed.details["cases"] == [complaint.reference]
    assert is_held(complaint)


# transaction=True: on PostgreSQL the refusal commits on its own connection, so the
# database is emptied after the test rather than rolled back.
@pytest.mark.django_db(transaction=True)
def test_held_case_refuses_changes_and_the_refusal_survives_the_rollback(make_complaint):
    complaint = make_complaint()
    hold = place_hold(complaints=[complaint], reason="Order", actor="user:1")
    with pytest.raises(Conflict) as caught:
        with transaction.atomic():
            guard_mutation(complaint, actor="user:9", action="decide")
    assert caught.value.code == "legal_hold" and caught.value.status == 409
    flush_refusals()  # the SQLite path writes once the transaction is over
    refused = AuditEvent.objects.get(code="hold.change_refused")
    assert refused.actor == "user:9"
    assert refused.target_id == str(complaint.pk)
    assert refused.details == {
        "action": "decide",
        "holds": [hold.pk],
        "object_type": "complaint",
        "object_id": str(complaint.pk),
    }


@pytest.mark.django_db(transaction=True)
def test_objects_of_a_held_case_are_guarded_too(make_complaint):
    complaint = make_complaint()
    place_hold(complaints=[complaint], reason="Order", actor="user:1")
    item = complaint.items.get()
    with pytest.raises(Conflict), transaction.atomic():
        guard_mutation(item, actor="user:9", action="edit_item")
    flush_refusals()
    assert AuditEvent.objects.filter(code="hold.change_refused", details__object_type="complaintitem").exists()


def test_released_hold_lets_changes_through_again(make_complaint):
    complaint = make_complaint()
    other = make_complaint()
    hold = place_hold(complaints=[complaint], reason="Order", actor="user:1")
    guard_mutation(other, actor="user:9", action="decide")  # not held: no error
    release_hold(hold, actor="user:1")
    guard_mutation(complaint, actor="user:9", action="decide")
    assert not is_held(complaint)
    assert LegalHold.objects.get().released_by == "user:1"
    with pytest.raises(Conflict):
        release_hold(hold, actor="user:1")


def test_investigator_sees_only_cases_of_a_live_request(make_complaint, make_user, legal_request_for):
    covered, outside = make_complaint(), make_complaint()
    investigator = make_user("ines", "investigator")
    moderator = make_user("mo", "moderator")
    assert not investigator_can_see(investigator, covered)  # nothing registered yet
    request = legal_request_for(investigator, [covered])
    assert investigator_can_see(investigator, covered)
    assert not investigator_can_see(investigator, outside)
    assert not investigator_can_see(moderator, covered)
    other_investigator = make_user("ivo", "investigator")
    assert not investigator_can_see(other_investigator, covered)  # not named on the request
    request.expires_at = timezone.now() - timedelta(seconds=1)
    request.save(update_fields=["expires_at"])
    assert not investigator_can_see(investigator, covered)
