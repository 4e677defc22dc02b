"""Staydown through the real moderation services: decide → re-post screened → blocked."""

from __future__ import annotations

import pytest
from django.db import connection

from moderation import accounts
from moderation.services import DecisionInput, claim_take, decision_create
from prevention.models import Fingerprint
from takedown import roles

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"


def _decide(complaint, measure: str):
    senior = accounts.staff_create(username="senior-p", role=roles.SENIOR_MODERATOR, password="a-long-test-password-1").user
    claim_take(complaint=complaint, user=senior)
    return decision_create(
        complaint=complaint,
        user=senior,
        data=DecisionInput(
            measure=measure,
            facts="The post shows the complainant's ID number and phone.",
            legal_ground="Civil Code Art. 1034; PIPL Art. 28",
            explanation="Publishing a private person's ID number is unlawful.",
            redress="You may appeal within six months.",
        ),
    )


def test_a_removal_decision_puts_the_values_under_staydown_and_a_repost_is_blocked(complaint, platform_client):
    decision = _decide(complaint, "remove")

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM prevention_fingerprint")
        dump = repr(cursor.fetchall())
    assert ID_NUMBER not in dump and "13912345678" not in dump and "6222021234567894" not in dump
    assert Fingerprint.objects.filter(decision_id=decision.pk, active=True).count() == 3

    body = platform_client.post(
        "/api/v1/screen/", {"text": f"再发一次：{ID_NUMBER}", "context": "post", "language": "zh-hans"}, format="json"
    ).json()
    assert body["verdict"] == "block"
    assert body["findings"][0]["staydown"] == {"case": complaint.reference}
    assert complaint.reference in body["warning"]


def test_a_decision_without_removal_adds_no_fingerprints(complaint):
    _decide(complaint, "restrict_visibility")
    assert not Fingerprint.objects.exists()
