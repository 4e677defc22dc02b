"""No log line, from any logger, carries a complainant's contacts, ID number or token."""

from __future__ import annotations

import logging
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from complaints.models import Complaint
from takedown.logging_filters import RedactingLogRecord, RedactPersonalData, redact
from tests.conftest import valid_payload
from tests.security.conftest import PERSON

pytestmark = pytest.mark.django_db

FRAMEWORK_LOGGERS = ("", "django", "django.request", "django.server", "django.db.backends",
                     "gunicorn.error", "gunicorn.access", "celery", "celery.app.trace", "celery.worker")


@pytest.fixture
def all_logs(caplog):
    """Every record at DEBUG from every logger, SQL included."""
    for name in FRAMEWORK_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True  # log every SQL statement with its parameters
    yield caplog
    connection.force_debug_cursor = False


def secrets_in(text: str, token: str | None = None) -> list[str]:
    needles = [PERSON["email"], PERSON["phone"], PERSON["phone"].replace(" ", ""), "13987654321",
               PERSON["id_number"], PERSON["name"], PERSON["victim"]]
    if token:
        needles.append(token)
    return [n for n in needles if n.lower() in text.lower()]


def full_text(caplog) -> str:
    # The messages as handlers render them, and the raw arguments too, in case a
    # handler formats them itself.
    rendered = "\n".join(r.getMessage() for r in caplog.records)
    return rendered + "\n" + caplog.text


def test_filing_tracking_and_mailing_log_no_personal_data(all_logs, django_capture_on_commit_callbacks):
    api = Client()
    body = valid_payload(
        complainant={"name": PERSON["name"], "email": PERSON["email"], "phone": PERSON["phone"],
                     "id_number": PERSON["id_number"]},
        relationship="guardian",
        victim={"name": PERSON["victim"], "is_minor": True},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/complaints/", body, content_type="application/json")
    assert response.status_code == 201
    token = response.json()["tracking_url"].rstrip("/").rsplit("/", 1)[-1]

    form = {
        "relationship": "self", "complainant_name": PERSON["name"], "complainant_email": PERSON["email"],
        "complainant_phone": PERSON["phone"], "complainant_id_number": PERSON["id_number"], "victim_name": "",
        "rows": "1", "item_url_0": "https://social.example/p/9", "item_note_0": "",
        "disclosed_info": ["phone"], "explanation": "My number was posted.", "evidence_excerpt": "call 139...",
        "good_faith_declaration": "on", "timezone": "UTC", "submit": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        page = Client().post("/report/", form, follow=True)
    assert page.status_code == 200
    assert Complaint.objects.count() == 2

    # The complainant's own pages, a message, and requests that fail and get logged.
    assert Client().get(f"/track/{token}/").status_code == 200
    assert api.get(f"/api/v1/track/{token}/").status_code == 200
    assert api.post(f"/api/v1/track/{token}/messages", {"body": "more info"}, content_type="application/json").status_code in (200, 201)
    assert Client().get(f"/track/{token}x/").status_code == 404
    assert Client().get(f"/nope/{PERSON['email']}/{PERSON['id_number']}").status_code == 404
    bad = dict(body, complainant={"email": PERSON["email"], "phone": "12"})
    assert api.post("/api/v1/complaints/", bad, content_type="application/json").status_code == 400

    # The case is decided: the poster is told through the platform, the complainant by e-mail.
    from moderation.models import Decision
    from takedown import roles
    from tests.moderation.conftest import client_for, decision_body, make_staff

    staff = client_for(make_staff("log-mod", roles.MODERATOR))
    reference = response.json()["reference"]
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(f"/api/v1/cases/{reference}/claim", {}, format="json").status_code == 200
        assert staff.get(f"/api/v1/cases/{reference}/").status_code == 200
        decided = staff.post(f"/api/v1/cases/{reference}/decisions", decision_body(), format="json")
    assert decided.status_code == 201 and Decision.objects.count() == 1

    text = full_text(all_logs)
    assert len(all_logs.records) > 20, "SQL and request logging should have produced records"
    assert "[token]" in text  # the 404 for the tracking path was logged, with the token redacted
    assert secrets_in(text, token) == []


def test_records_from_framework_loggers_are_redacted(all_logs):
    token = "uhzqcq0LL_3zidpyXdqVZ96Su-oLDrU7bo13Dssy580"
    logging.getLogger("gunicorn.access").info(
        '%s - - "GET /track/%s/ HTTP/1.1" 200', "127.0.0.1", token
    )
    logging.getLogger("celery.app.trace").info(
        "Task complaints.send_acknowledgement[%s] received: (%r)", "abc", (7, token)
    )
    logging.getLogger("celery.worker").warning("mail to %s failed", PERSON["email"])
    try:
        raise ValueError(f"duplicate key (phone)=({PERSON['phone']}) id={PERSON['id_number']}")
    except ValueError:
        logging.getLogger("django.request").exception("Internal error")
    text = full_text(all_logs)
    assert secrets_in(text, token) == []
    assert "GET /track/[token]/" in text
    assert "[email]" in text and "[phone]" in text and "[id]" in text


def test_settings_wire_the_filter_on_every_configured_handler():
    handlers = settings.LOGGING["handlers"]
    assert handlers and all("redact" in h.get("filters", []) for h in handlers.values())
    assert settings.LOGGING["filters"]["redact"]["()"].endswith("RedactPersonalData")
    assert logging.getLogRecordFactory() is RedactingLogRecord
    root_filters = [f for h in logging.getLogger().handlers for f in h.filters]
    assert any(isinstance(f, RedactPersonalData) for f in root_filters)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail qiao@example.org", "mail [email]"),
        ("call +86 139 8765 4321", "call [phone]"),
        ("call 010-12345678", "call [phone]"),
        ("id 11010519491231002X.", "id [id]."),
        ("GET /track/uhzqcq0LL_3zidpyXdqVZ96Su-oLDrU7bo13Dssy580/", "GET /track/[token]/"),
        ("card 6222021234567890123", "card [number]"),
        # What operators need stays readable.
        ("complaint TD-2026-000123 took 12.5 ms", "complaint TD-2026-000123 took 12.5 ms"),
        ("at 2026-11-24T20:31:22.123456+00:00 pid 12345", "at 2026-11-24T20:31:22.123456+00:00 pid 12345"),
        ("sha256 " + "ab" * 32, "sha256 " + "ab" * 32),
        ('"POST /api/v1/complaints/ HTTP/1.1" 201 312', '"POST /api/v1/complaints/ HTTP/1.1" 201 312'),
        # Task ids whose groups are all digits stay whole; what stands next to them does not.
        ("Task audit.sequence[20481234-bb82-4052-b1c5-492650c1c6f0] received",
         "Task audit.sequence[20481234-bb82-4052-b1c5-492650c1c6f0] received"),
        ("task 5d0c1a2e-0f3b-4c5d-8e9f-492650123456 for +86 139 8765 4321",
         "task 5d0c1a2e-0f3b-4c5d-8e9f-492650123456 for [phone]"),
        ("mail qiao@example.org then 20481234-bb82-4052-b1c5-492650c1c6f0",
         "mail [email] then 20481234-bb82-4052-b1c5-492650c1c6f0"),
    ],
)
def test_redact_replaces_personal_data_and_keeps_operational_facts(text, expected):
    assert redact(text) == expected


def test_redaction_survives_a_broken_format_string():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "mail %s %s", ("a@b.example",), None)
    RedactPersonalData().filter(record)
    assert not re.search(r"a@b\.example", record.msg)
