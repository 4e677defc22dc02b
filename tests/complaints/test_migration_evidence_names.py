"""Migration 0007 seals evidence file names written before it (and unseals them back)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from complaints.models import Evidence
from complaints.services import UploadedEvidence, complaint_add_evidence
from takedown.crypto import is_ciphertext
from tests.conftest import make_png

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "chen-jing-id-card.png"


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _stored_name(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT original_name FROM complaints_evidence WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_names_are_sealed_forward_and_unsealed_backward(make_complaint):
    complaint = make_complaint()
    complaint_add_evidence(complaint=complaint, files=[UploadedEvidence(NAME, make_png())])
    evidence = Evidence.objects.get(complaint=complaint)
    assert is_ciphertext(_stored_name(evidence.pk))

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate([("complaints", "0006_response_clock_models")])
    try:
        assert _stored_name(evidence.pk) == NAME  # back in clear, as the old code reads it
    finally:
        _migrate(latest)
    assert is_ciphertext(_stored_name(evidence.pk))
    assert Evidence.objects.get(pk=evidence.pk).original_name == NAME
