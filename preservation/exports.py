"""Investigator exports: request one (under a live legal request), build it in the
background into a signed BagIt package, hand it out through expiring links."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import actors
from audit.canonical import format_timestamp
from audit.models import AuditEvent, LogEntry
from audit.package import EventProof, PackageWriter
from audit.records import event_dict, stable_json
from audit.selectors import inclusion_proofs
from audit.sequencer import checkpoint_covering, key_name, signing_key
from complaints.models import Complaint
from preservation import events
from preservation.models import Export, LegalRequest
from preservation.package_readme import package_guide
from preservation.records import (
    case_events,
    complaint_record,
    evidence_records,
    item_records,
    message_records,
)
from takedown import roles
from takedown.exceptions import ErrorCode, Forbidden, InvalidInput, NotFound

logger = logging.getLogger(__name__)

_LINK_SALT = "audit.export.download"
# Longer than the build task's time limit: a build still "running" after this is dead.
STALE_AFTER = timedelta(hours=3, minutes=5)


def export_root() -> Path:
    configured = settings.AUDIT_EXPORT_ROOT
    # Beside the media folder, never inside it: exports must not be web-served.
    return Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / "exports"


def link_lifetime() -> timedelta:
    return timedelta(hours=settings.AUDIT_EXPORT_LINK_HOURS)


def export_path(export: Export) -> Path:
    return export_root() / f"{export.bag_name}.zip"


# -- requesting ------------------------------------------------------------------------


def export_request(*, user, legal_request: LegalRequest, references: list[str] | None = None) -> Export:
    """Queue an export of the cases of a live legal request the user is named on.

    ``references`` narrows the export to some of the request's cases.
    """
    if not roles.has_role(user, roles.INVESTIGATOR):
        raise Forbidden(_("Only investigators may export case records."))
    if not legal_request.is_live() or not legal_request.investigators.filter(pk=user.pk).exists():
        raise Forbidden(_("You are not named on a live legal request with this reference."))
    complaints = list(legal_request.complaints.order_by("pk"))
    if references:
        wanted = {r.strip() for r in references}
        chosen = [c for c in complaints if c.reference in wanted]
        outside = sorted(wanted - {c.reference for c in chosen})
        if outside:
            raise InvalidInput(
                _("Some cases are outside the legal request."),
                fields={"cases": [f"Not covered by the request: {r}" for r in outside]},
            )
        complaints = chosen
    actor = actors.for_user(user)
    from deadlines import outbox
    from preservation.tasks import build_export_task

    with transaction.atomic():
        export = Export.objects.create(legal_request=legal_request, requested_by=user, created_at=timezone.now())
        export.complaints.set(complaints)
        events.export_requested(actor=actor, export=export, legal_request=legal_request, cases=complaints)
        outbox.enqueue(build_export_task, export.pk)
    return export


def export_for(user, export_id: int) -> Export:
    """The export if the user may see it (its requester, or an admin)."""
    export = Export.objects.select_related("legal_request").filter(pk=export_id).first()
    if export is None or not (export.requested_by_id == user.pk or roles.has_role(user, roles.ADMIN)):
        raise NotFound(_("No such export."))
    return export


# -- download links --------------------------------------------------------------------


def download_token(export: Export) -> str:
    return signing.TimestampSigner(salt=_LINK_SALT).sign(f"{export.pk}:{export.sha256}")


def check_download(export: Export, token: str, user) -> Path:
    """The package file, if the token is this export's, unexpired, and the user its requester
    (still named on a live request)."""
    try:
        value = signing.TimestampSigner(salt=_LINK_SALT).unsign(token, max_age=link_lifetime())
    except signing.SignatureExpired:
        raise Forbidden(_("This download link has expired; open the export again for a new one."), code=ErrorCode.LINK_EXPIRED) from None
    except signing.BadSignature:
        raise Forbidden(_("This download link is not valid."), code=ErrorCode.BAD_LINK) from None
    if value != f"{export.pk}:{export.sha256}" or export.state != Export.State.DONE:
        raise Forbidden(_("This download link is not valid."), code=ErrorCode.BAD_LINK)
    if export.requested_by_id != user.pk or not export.legal_request.is_live():
        raise Forbidden(_("Only the requesting investigator may download, while the request is live."))
    path = export_path(export)
    if not path.exists():
        raise NotFound(_("The package file is no longer available."))
    return path


def record_download(export: Export, user) -> None:
    with transaction.atomic():
        events.export_downloaded(actor=actors.for_user(user), export=export)


# -- building --------------------------------------------------------------------------


class _Progress:
    """Writes progress to the row now and then (autocommit: readers see it at once)."""

    def __init__(self, export_id: int) -> None:
        self.export_id = export_id
        self.last = -1

    def set(self, percent: int) -> None:
        percent = max(0, min(99, percent))
        if percent >= self.last + 2:
            self.last = percent
            Export.objects.filter(pk=self.export_id).update(progress=percent)

    def bytes_written(self, done: int, total: int) -> None:
        if total:
            self.set(5 + int(90 * done / total))


def _bag_info(export: Export, complaints: list[Complaint]) -> list[tuple[str, str]]:
    request = export.legal_request
    user = export.requested_by
    return [
        ("Source-Organization", settings.AUDIT_SOURCE_ORGANIZATION),
        ("External-Identifier", f"{request.authority} {request.reference_number}"),
        ("Legal-Request-Authority", request.authority),
        ("Legal-Request-Reference", request.reference_number),
        ("Legal-Basis", " ".join(request.legal_basis.split())),
        ("Requesting-Officer", request.requesting_officer),
        ("Exporter", f"user:{user.pk} {user.get_username()}"),
        ("Export-Id", str(export.pk)),
        ("Export-Time", format_timestamp(timezone.now())),
        ("Cases", " ".join(c.reference for c in complaints)),
    ]


_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
               "application/pdf": ".pdf"}


def _evidence_name(evidence: dict[str, Any]) -> str:
    """The file's name in the package: id and digest, never the uploaded name (often the
    victim's own name), which stays in the case record beside it."""
    extension = _EXTENSIONS.get(evidence["content_type"], "")
    return f"{evidence['id']}-{evidence['sha256'][:16]}{extension}"


def build_export(export_id: int) -> Export | None:
    """Build the package of one export. Idempotent: a done export, or one another worker
    is building, is left alone; a build abandoned by a dead worker is started again."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None:
            return None
        abandoned = export.state == Export.State.RUNNING and export.started_at < timezone.now() - STALE_AFTER
        if export.state != Export.State.QUEUED and not abandoned:
            return export
        export.state = Export.State.RUNNING
        export.started_at = timezone.now()
        export.save(update_fields=["state", "started_at"])
    progress = _Progress(export.pk)
    try:
        _write_package(export, progress)
    except Exception as exc:
        logger.exception("export %s failed", export.pk)
        with transaction.atomic():
            Export.objects.filter(pk=export.pk).update(
                state=Export.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
            )
            events.export_failed(export=export, error=exc)
        export.refresh_from_db()
        return export
    export.refresh_from_db()
    return export


def _write_package(export: Export, progress: _Progress) -> None:
    complaints = list(export.complaints.select_related("policy").order_by("pk"))
    ids = [c.pk for c in complaints]
    event_ids = list(case_events(ids).values_list("pk", flat=True))
    checkpoint = checkpoint_covering(event_ids)
    tree_size = checkpoint.tree_size
    index_of = dict(LogEntry.objects.filter(event_id__in=event_ids).values_list("event_id", "index"))
    proofs = inclusion_proofs(sorted(index_of.values()), tree_size)
    progress.set(3)

    evidence_by_case = {c.pk: evidence_records(c) for c in complaints}
    files = {ev.pk: ev for c in complaints for ev in c.evidence.all()}
    expected = sum(files[e["id"]].size for recs in evidence_by_case.values() for e in recs if files[e["id"]].original)
    path = export_path(export)
    with PackageWriter(
        path,
        signing_key=signing_key(),
        key_name=key_name(),
        bag_info=_bag_info(export, complaints),
        bag_name=export.bag_name,
        progress=progress.bytes_written,
        expected_bytes=expected or None,
    ) as writer:
        for guide_path, content, category, media_type in package_guide(
            bag=export.bag_name, key_name=key_name(), public_key=signing_key().public_key()
        ):
            writer.add_bytes(guide_path, content, category, media_type)
        for complaint in complaints:
            base = f"data/cases/{complaint.reference}"
            evidence = evidence_by_case[complaint.pk]
            record = {
                "complaint": complaint_record(complaint),
                "items": item_records(complaint),
                "evidence": [dict(e, path=f"{base}/evidence/{_evidence_name(e)}") for e in evidence],
                "messages": message_records(complaint),
            }
            writer.add_bytes(f"{base}/record.json", stable_json(record), "case record", "application/json")
            for item in evidence:
                stored = files[item["id"]]
                if stored.original:
                    writer.add_file(
                        f"{base}/evidence/{_evidence_name(item)}",
                        stored.original.path,
                        "evidence (original as received)",
                        item["content_type"] or "application/octet-stream",
                    )

        def event_rows():
            # Exactly the events listed above, even if the cases got new ones since.
            for start in range(0, len(event_ids), 1000):
                chunk = event_ids[start : start + 1000]
                for event in AuditEvent.objects.filter(pk__in=chunk).order_by("pk"):
                    yield event_dict(event)

        def event_proofs():
            for event_id in event_ids:
                index = index_of[event_id]
                yield EventProof(index, proofs[index])

        count = writer.add_events(event_rows(), event_proofs(), checkpoint.note)
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    with transaction.atomic():
        Export.objects.filter(pk=export.pk).update(
            state=Export.State.DONE,
            progress=100,
            finished_at=timezone.now(),
            file_name=path.name,
            size=path.stat().st_size,
            sha256=digest.hexdigest(),
            event_count=count,
            tree_size=tree_size,
        )
        events.export_completed(export=export, sha256=digest.hexdigest(), events=count, tree_size=tree_size)


def delete_export_files(legal_request: LegalRequest, *, actor: str, reason: str) -> int:
    """Delete the package files of a request that is no longer live; the rows stay, with
    their SHA-256, so the record says what was handed out. Call inside a transaction."""
    exports = list(Export.objects.select_for_update().filter(legal_request=legal_request).exclude(file_name=""))
    for export in exports:
        path = export_path(export)
        transaction.on_commit(lambda path=path: path.unlink(missing_ok=True))
        events.export_deleted(actor=actor, export=export, reason=reason)
    Export.objects.filter(pk__in=[e.pk for e in exports]).update(file_name="")
    return len(exports)
