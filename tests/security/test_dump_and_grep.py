"""Dump everything, grep for the person: personal data stays in the encrypted columns.

A whole journey runs with distinctive personal values: a complaint (name, e-mail,
phone, ID number, the disclosed home address, an evidence file named after the
victim), a decision, the poster's counter-notice (the poster's own name and e-mail),
a legal request and its export package. Afterwards every row of every table, every
file the product wrote, every log line and every task message is searched for those
values in clear. Two places may hold them, by design: the evidence originals (the
victim's own screenshots, kept for investigators) and the export package's case
records (handed to the investigator named on the legal request, and deleted with it).
"""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

import pytest
from celery.signals import task_prerun
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from complaints.models import Evidence
from complaints.services import UploadedEvidence, complaint_add_evidence
from hostplatform.models import DemoPlatformAction
from preservation.exports import build_export, export_path, export_request
from takedown import roles
from tests.conftest import make_png
from tests.factories import make_user
from tests.moderation.conftest import client_for, decision_body

pytestmark = pytest.mark.django_db

NAME = "Xandrelle Voskuijlen"
EMAIL = "xandrelle.voskuijlen@leakcheck.example"
PHONE = "+86 139 1717 2929"
ID_NUMBER = "11010519491231002X"  # the worked example of GB 11643-1999 (valid check digit)
ADDRESS = "88 Quillfeather Lane"
POSTER_NAME = "Brennwald Ostrakov"
POSTER_EMAIL = "brennwald.ostrakov@posterside.example"

# What to look for: each value and the forms it may be rewritten into.
NEEDLES = {
    "complainant name": ["xandrelle", "voskuijlen"],
    "complainant e-mail": ["leakcheck.example"],
    "complainant phone": ["13917172929", "139 1717 2929"],
    "ID number": ["11010519491231002x"],
    "home address": ["quillfeather"],
    "poster name": ["brennwald", "ostrakov"],
    "poster e-mail": ["posterside.example"],
}


def _hits(text: str) -> set[str]:
    lowered = text.lower()
    return {what for what, needles in NEEDLES.items() if any(needle in lowered for needle in needles)}


def _as_text(value) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST as a staff user (or anonymously) and run what the request queued after commit."""

    def _post(user, url, body=None):
        client = client_for(user) if user is not None else APIClient()
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, body if body is not None else {}, format="json")

    return _post


@pytest.fixture
def task_messages():
    """Every task's arguments, as they would cross the broker."""
    seen: list[str] = []

    def record(sender=None, args=None, kwargs=None, **_extra):
        seen.append(f"{sender.name} {args!r} {kwargs!r}")

    task_prerun.connect(record, weak=False)
    yield seen
    task_prerun.disconnect(record)


def _table_leaks() -> list[str]:
    """Every row of every table, column by column, as the database holds it."""
    leaks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    for what in _hits(_as_text(value)):
                        leaks.append(f"table {table}.{column}: {what}")
    return leaks


def _journey(api_client, post):
    moderator = make_user("mod-dump", roles.MODERATOR)
    response = api_client.post("/api/v1/complaints/", {
        "complainant": {"name": NAME, "email": EMAIL, "phone": PHONE, "id_number": ID_NUMBER},
        "relationship": "self",
        "items": [{"url": "https://social.example/p/7781", "note": f"my address {ADDRESS} and my phone"}],
        "disclosed_info": ["home_address", "phone", "id_number"],
        "harms": ["contact_by_strangers"],
        "explanation": f"I am {NAME}. The post shows {ADDRESS}, my phone {PHONE} and ID {ID_NUMBER}.",
        "evidence_excerpt": f"{NAME} lives at {ADDRESS}, call {PHONE}",
        "good_faith_declaration": True,
        "language": "en",
    }, format="json")
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    from complaints.models import Complaint
    complaint = Complaint.objects.latest("pk")
    assert complaint.reference == reference
    complaint_add_evidence(complaint=complaint, files=[UploadedEvidence("xandrelle-voskuijlen-id.png", make_png())])

    assert post(moderator, f"/api/v1/cases/{reference}/claim").status_code in (200, 201)
    decided = post(moderator, f"/api/v1/cases/{reference}/decisions", decision_body())
    assert decided.status_code == 201, decided.content
    notice = DemoPlatformAction.objects.filter(event="poster.notice").latest("pk")
    poster_token = notice.payload["counter_notice_url"].rstrip("/").rsplit("/", 1)[1]
    counter = post(None, "/api/v1/counter-notices/", {
        "token": poster_token, "name": POSTER_NAME, "email": POSTER_EMAIL,
        "statement": "This is my shop's public address.", "evidence": "Business licence 4471-A",
    })
    assert counter.status_code == 201, counter.content

    investigator = make_user("inv-dump", roles.INVESTIGATOR)
    senior = make_user("senior-dump", roles.SENIOR_MODERATOR)
    from tests.factories import register_request
    legal_request = register_request(investigator, [complaint], registrar=senior)
    export = export_request(user=investigator, legal_request=legal_request)
    build_export(export.pk)
    export.refresh_from_db()
    assert export_path(export).exists()
    assert client_for(investigator).get(f"/api/v1/legal-requests/{legal_request.pk}/").status_code == 200
    return complaint, export


def test_no_personal_value_in_clear_outside_the_encrypted_columns(
    api_client, post, task_messages, caplog, capfd
):
    caplog.set_level(logging.DEBUG)
    complaint, export = _journey(api_client, post)
    leaks = _table_leaks()

    originals = {Path(e.original.path).resolve() for e in Evidence.objects.filter(complaint=complaint)}
    package = export_path(export).resolve()
    roots = {Path(settings.MEDIA_ROOT).resolve(), Path(settings.MEDIA_ROOT).resolve().parent / "exports",
             Path(settings.VAR_DIR).resolve()}
    for root in roots:
        for path in root.rglob("*") if root.exists() else ():
            if not path.is_file() or path.resolve() in originals:
                continue
            for what in _hits(path.name):
                leaks.append(f"file name {path.name}: {what}")
            if path.resolve() == package:
                with zipfile.ZipFile(path) as bag:
                    for member in bag.namelist():
                        if member.endswith("/record.json") and "/data/cases/" in member:
                            continue  # the case record, for the investigator on the request
                        if "/evidence/" in member:
                            continue  # the evidence originals, copied for the investigator
                        for what in _hits(member) | _hits(_as_text(bag.read(member))):
                            leaks.append(f"export package {member}: {what}")
                continue
            if path.suffix in {".sqlite3", ".sqlite3-journal", ".sqlite3-wal", ".sqlite3-shm"}:
                continue  # the database, searched row by row above
            data = path.read_bytes()
            if data[:4] == b"PK\x03\x04":
                with zipfile.ZipFile(io.BytesIO(data)) as bag:
                    data = b"".join(bag.read(member) for member in bag.namelist())
            for what in _hits(_as_text(data)):
                leaks.append(f"file {path.relative_to(root)}: {what}")

    for record in caplog.records:
        for what in _hits(record.getMessage()):
            leaks.append(f"log {record.name}: {what}")
    captured = capfd.readouterr()
    for what in _hits(captured.out + captured.err):
        leaks.append(f"process output: {what}")
    assert task_messages, "the journey sent no task at all: the check would see nothing"
    for message in task_messages:
        for what in _hits(message):
            leaks.append(f"task message {message.split(' ', 1)[0]}: {what}")

    assert not leaks, "personal data in clear:\n" + "\n".join(sorted(set(leaks)))


def test_the_check_sees_a_value_written_in_clear(api_client, post):
    """The grep is not blind: a value copied into an unencrypted column is found."""
    complaint, _export = _journey(api_client, post)
    assert not _table_leaks()
    complaint.items.update(url=f"https://social.example/{NAME.replace(' ', '-')}")
    table = complaint.items.model._meta.db_table
    assert f"table {table}.url: complainant name" in _table_leaks()
