"""Export packages exist only while their legal request is live."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from deadlines.models import Timer
from deadlines.sweep import sweep
from preservation.exports import build_export, export_path, export_request
from preservation.legal import REQUEST_EXPIRY, revoke_legal_request
from preservation.models import Export

pytestmark = pytest.mark.django_db


def _built(make_complaint, make_user, legal_request_for, django_capture_on_commit_callbacks, **request):
    investigator = make_user("ines", "investigator")
    legal_request = legal_request_for(investigator, [make_complaint(evidence=True)], **request)
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(user=investigator, legal_request=legal_request)
    build_export(export.pk)
    export.refresh_from_db()
    assert export.state == Export.State.DONE and export_path(export).exists()
    return legal_request, export


def test_revoking_the_request_deletes_its_packages_on_the_record(
    make_complaint, make_user, legal_request_for, django_capture_on_commit_callbacks
):
    legal_request, export = _built(make_complaint, make_user, legal_request_for, django_capture_on_commit_callbacks)
    path = export_path(export)
    registrar = legal_request.registered_by
    with django_capture_on_commit_callbacks(execute=True):
        revoke_legal_request(legal_request, actor_user=registrar)
    assert not path.exists()
    export.refresh_from_db()
    assert export.file_name == "" and export.sha256  # what was handed out stays on the record
    event = AuditEvent.objects.get(code="export.deleted", target_id=str(export.pk))
    assert event.details == {"legal_request": legal_request.pk, "sha256": export.sha256, "reason": "revoked"}
    assert not Timer.objects.filter(kind=REQUEST_EXPIRY, state="pending").exists()


def test_the_expiry_timer_deletes_the_packages_when_the_request_runs_out(
    make_complaint, make_user, legal_request_for, django_capture_on_commit_callbacks
):
    legal_request, export = _built(make_complaint, make_user, legal_request_for, django_capture_on_commit_callbacks,
                                   days=1)
    timer = Timer.objects.get(kind=REQUEST_EXPIRY, target_id=legal_request.pk)
    assert timer.due_at == legal_request.expires_at
    assert sweep().fired == 0  # not yet
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=timezone.now() + timedelta(days=2))
    timer.refresh_from_db()
    assert timer.state == "done" and timer.outcome == "deleted:1"
    assert not export_path(export).exists()
    assert AuditEvent.objects.get(code="export.deleted").details["reason"] == "expired"
