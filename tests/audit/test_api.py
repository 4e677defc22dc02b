"""The audit log API: the signed checkpoint and proofs."""

from __future__ import annotations

import pytest
from django.db import transaction

from audit import merkle
from audit.checkpoint import parse_checkpoint
from audit.models import LogEntry
from audit.sequencer import sequence_and_checkpoint
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    if code:
        assert error["code"] == code
    return error


def test_checkpoint_is_public_text_in_the_signed_note_form(api_client):
    with transaction.atomic():
        audit_record(actor="system", code="test.event", target=("thing", 1))
    sequence_and_checkpoint()
    response = api_client.get("/api/v1/audit/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    checkpoint = parse_checkpoint(response.content.decode())
    assert checkpoint.tree_size == 1


def test_proofs_are_for_staff_and_verify_against_the_checkpoint(api_client, make_user, token_client):
    with transaction.atomic():
        for i in range(6):
            audit_record(actor="system", code="test.event", target=("thing", i))
    sequence_and_checkpoint()
    assert_error(api_client.get("/api/v1/audit/proof/inclusion?index=1&tree_size=6"), 401)
    assert_error(token_client(make_user("fl", "trusted_flagger")).get("/api/v1/audit/proof/inclusion?index=1&tree_size=6"), 403)
    client = token_client(make_user("mo", "moderator"))
    body = client.get("/api/v1/audit/proof/inclusion?index=4&tree_size=6").json()
    root = parse_checkpoint(client.get("/api/v1/audit/checkpoint").content.decode()).root_hash
    assert set(body) == {"index", "tree_size", "leaf_hash", "proof"}
    assert merkle.verify_inclusion(bytes.fromhex(body["leaf_hash"]), 4, 6, [bytes.fromhex(h) for h in body["proof"]], root)
    consistency = client.get("/api/v1/audit/proof/consistency?first=3&second=6").json()
    leaves = [bytes(h) for h in LogEntry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert merkle.verify_consistency(3, 6, merkle.root(leaves[:3]), root, [bytes.fromhex(h) for h in consistency["proof"]])


@pytest.mark.parametrize(
    "query,field,status",
    [
        ("index=1", "tree_size", 400),
        ("index=-1&tree_size=3", "index", 400),
        ("index=abc&tree_size=3", "index", 400),
        # Well formed, but beyond the tree or the log: 422.
        ("index=3&tree_size=3", "index", 422),
        ("index=0&tree_size=99", "tree_size", 422),
        ("index=0&tree_size=0", "tree_size", 422),
    ],
)
def test_bad_proof_parameters_are_refused_in_the_error_shape(make_user, token_client, query, field, status):
    with transaction.atomic():
        for i in range(3):
            audit_record(actor="system", code="test.event", target=("thing", i))
    sequence_and_checkpoint()
    client = token_client(make_user("mo", "moderator"))
    error = assert_error(client.get(f"/api/v1/audit/proof/inclusion?{query}"), status)
    assert field in error["fields"]
    error = assert_error(client.get("/api/v1/audit/proof/consistency?first=4&second=3"), 422)
    assert "first" in error["fields"]
