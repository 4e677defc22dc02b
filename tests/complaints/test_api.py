"""POST /api/v1/complaints/, the batch endpoint and GET /api/v1/track/<token>/."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.files.storage import default_storage
from django.db import connection
from PIL import Image
from rest_framework.authtoken.models import Token

from audit.models import AuditEvent
from complaints.models import Complaint, Evidence
from deadlines.models import Timer
from tests.conftest import make_png, valid_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_valid_complaint_is_received_triaged_and_given_a_deadline(api_client):
    response = api_client.post(URL, valid_payload(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "received"
    assert body["missing"] == []
    assert body["priority"] == "P1"
    assert body["reference"].startswith("TD-2026-") or body["reference"].startswith("TD-")
    assert body["tracking_url"].startswith("http") and "/track/" in body["tracking_url"]
    complaint = Complaint.objects.get()
    assert complaint.reference == body["reference"]
    assert complaint.policy.version == 1
    assert complaint.priority_reasons == ["identifying_info:home_address"]
    assert (complaint.response_due_at - complaint.valid_at).total_seconds() == 72 * 3600
    # the token is not stored in clear: its hash, and a sealed copy until the receipt e-mail is out
    token = body["tracking_url"].rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 22  # >= 128 bits in base64url
    assert complaint.tracking_token_hash == hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM complaints_complaint")
        assert token not in json.dumps(cursor.fetchall(), default=str)


def test_submission_writes_one_audit_event_without_contact_details(api_client):
    api_client.post(URL, valid_payload(), format="json")
    event = AuditEvent.objects.get()
    assert event.code == "complaint.submitted"
    assert event.target_type == "complaint"
    assert event.details["priority"] == "P1"
    assert event.details["policy_version"] == 1
    assert "chen@example.com" not in json.dumps(event.details)


def test_valid_complaint_schedules_reminders_and_breach(api_client):
    api_client.post(URL, valid_payload(), format="json")
    complaint = Complaint.objects.get()
    timers = list(Timer.objects.order_by("due_at").values_list("kind", "due_at"))
    assert [k for k, _ in timers] == ["response_reminder", "response_reminder", "response_breach"]
    assert timers[-1][1] == complaint.response_due_at


def test_incomplete_complaint_is_stored_with_what_is_missing(api_client):
    response = api_client.post(URL, {"complainant": {"name": "Chen"}, "items": [{"url": "https://x.example/1"}]}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "incomplete"
    assert body["missing"] == ["complainant_contact", "disclosed_info", "explanation", "evidence", "good_faith_declaration"]
    assert body["response_due_at"] is None
    assert Complaint.objects.get().items.get().url == "https://x.example/1"
    assert not Timer.objects.exists()


def test_threat_and_minor_make_p0(api_client):
    body = api_client.post(
        URL,
        valid_payload(relationship="guardian", victim={"name": "Kid", "is_minor": False}, harms=["threats"]),
        format="json",
    ).json()
    assert body["priority"] == "P0"
    complaint = Complaint.objects.get()
    assert complaint.victim_is_minor  # a guardian acts for a minor
    assert complaint.threat_to_life


def test_acknowledgement_email_carries_the_tracking_link(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = api_client.post(URL, valid_payload(language="zh-hans"), format="json").json()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["chen@example.com"]
    assert body["reference"] in message.subject
    assert body["tracking_url"] in message.body
    assert "跟踪" in message.body or "追踪" in message.body  # in the complainant's language


def test_the_tracking_token_never_travels_through_the_broker(api_client, django_capture_on_commit_callbacks, monkeypatch):
    from complaints import tasks
    from deadlines import outbox
    from deadlines.models import OutboxMessage

    published = []
    monkeypatch.setattr(outbox, "kick", lambda: published.append("kick"))
    with django_capture_on_commit_callbacks(execute=True):
        body = api_client.post(URL, valid_payload(), format="json").json()
    token = body["tracking_url"].rstrip("/").rsplit("/", 1)[1]
    assert published == ["kick"]  # the worker is nudged: the message itself is a row
    row = OutboxMessage.objects.get()
    assert row.task == "complaints.send_acknowledgement" and token not in repr(row.args)
    complaint = Complaint.objects.get(pk=row.args[0])
    with connection.cursor() as cursor:  # kept sealed until the e-mail is sent ...
        cursor.execute("SELECT receipt_token FROM complaints_complaint WHERE id = %s", [complaint.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1$") and token not in stored
    assert complaint.receipt_token == token
    assert outbox.drain().done == 1  # ... as the worker does
    assert token in mail.outbox[-1].body
    complaint.refresh_from_db()
    assert complaint.receipt_token == ""  # ... and erased once it has gone out
    assert not OutboxMessage.objects.exists()
    tasks.send_acknowledgement(complaint.pk)  # a message delivered twice sends nothing more
    assert len(mail.outbox) == 1


def test_multipart_with_evidence_keeps_original_bytes_and_strips_metadata(api_client):
    jpeg = make_png(exif_gps=True)
    assert b"SecretCam" in jpeg
    response = api_client.post(
        URL,
        {"payload": json.dumps(valid_payload(evidence_excerpt="")), "evidence": [io.BytesIO(jpeg)]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "received"
    evidence = Evidence.objects.get()
    assert evidence.content_type == "image/jpeg"
    assert evidence.sha256 == hashlib.sha256(jpeg).hexdigest()
    with default_storage.open(evidence.original.name) as f:
        assert f.read() == jpeg
    with default_storage.open(evidence.display.name) as f:
        display = f.read()
    assert b"SecretCam" not in display
    assert Image.open(io.BytesIO(display)).getexif() == {}


def test_multipart_with_dotted_field_names(api_client):
    png = make_png()
    upload = io.BytesIO(png)
    upload.name = "../../etc/passwd.png"
    response = api_client.post(
        URL,
        {
            "complainant.name": "Chen",
            "complainant.email": "chen@example.com",
            "items[0][url]": "https://social.example/p/9",
            "disclosed_info": ["phone", "home_address"],
            "explanation": "posted my number",
            "good_faith_declaration": "true",
            "evidence": [upload],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "received"
    evidence = Evidence.objects.get()
    assert evidence.original_name == "passwd.png"
    assert evidence.content_type == "image/png"


def test_content_type_comes_from_bytes_not_from_the_client(api_client):
    fake = io.BytesIO(b"MZ\x90\x00 this is an executable, not an image")
    fake.name = "photo.jpg"
    response = api_client.post(URL, {"payload": json.dumps(valid_payload()), "evidence": [fake]}, format="multipart")
    error = assert_error_shape(response, 415, "unsupported_media_type")
    assert "evidence" in error["fields"]
    assert not Complaint.objects.exists()


def test_truncated_image_is_refused_cleanly(api_client):
    png = make_png()[:60]
    response = api_client.post(URL, {"payload": json.dumps(valid_payload()), "evidence": [io.BytesIO(png)]}, format="multipart")
    assert_error_shape(response, 400, "bad_image")


def test_too_many_files_is_refused(api_client, settings):
    settings.EVIDENCE_MAX_FILES = 2
    files = [io.BytesIO(make_png()) for _ in range(3)]
    response = api_client.post(URL, {"payload": json.dumps(valid_payload()), "evidence": files}, format="multipart")
    assert response.status_code in (400, 413)
    assert_error_shape(response, response.status_code)


def test_oversize_file_is_refused_with_413(api_client, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 1000
    response = api_client.post(
        URL, {"payload": json.dumps(valid_payload()), "evidence": [io.BytesIO(make_png(300, 300, noise=True))]}, format="multipart"
    )
    assert_error_shape(response, 413, "too_large")


def test_oversize_body_is_refused_before_reading(api_client, settings):
    settings.REQUEST_MAX_BYTES = 1000
    response = api_client.post(URL, valid_payload(explanation="x" * 5000), format="json")
    assert_error_shape(response, 413, "too_large")


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        (b"{not json", "application/json", 400, None),
        (b"[1, 2, 3]", "application/json", 400, "non_field_errors"),
        (b'"just a string"', "application/json", 400, "non_field_errors"),
        (json.dumps(valid_payload(items="nope")).encode(), "application/json", 400, "items"),
        (json.dumps(valid_payload(items=[{"url": {"$gt": ""}}])).encode(), "application/json", 400, "items"),
        (json.dumps(valid_payload(complainant=[["nested"], {"x": [1]}])).encode(), "application/json", 400, "complainant"),
        (json.dumps(valid_payload(disclosed_info=["home_address", "shoe_size"])).encode(), "application/json", 400, "disclosed_info"),
        (json.dumps(valid_payload(relationship="boss")).encode(), "application/json", 400, "relationship"),
        (json.dumps(valid_payload(items=[{"url": "javascript:alert(1)"}])).encode(), "application/json", 400, "items"),
        (json.dumps(valid_payload(items=[{"url": "data:text/html,hi"}])).encode(), "application/json", 400, "items"),
        (json.dumps(valid_payload(explanation="a\u0000b")).encode(), "application/json", 400, "explanation"),
        (json.dumps(valid_payload(items=[{"url": f"https://x.example/{i}"} for i in range(101)])).encode(), "application/json", 400, "items"),
        (json.dumps(valid_payload(good_faith_declaration="maybe")).encode(), "application/json", 400, "good_faith_declaration"),
        (json.dumps(valid_payload(complainant={"email": "not-an-email"})).encode(), "application/json", 400, "complainant"),
        (json.dumps(valid_payload(surprise=1)).encode(), "application/json", 400, "surprise"),
        (b"name=x", "text/plain", 415, None),
    ],
)
def test_bad_input_gets_a_clear_4xx_in_the_one_error_shape(api_client, body, content_type, status, field):
    response = api_client.generic("POST", URL, body, content_type=content_type)
    error = assert_error_shape(response, status)
    if field:
        assert field in error["fields"], error
    assert not Complaint.objects.exists()


def test_public_intake_is_rate_limited_with_retry_after(api_client, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public_intake": "2/600"}
    for _ in range(2):
        assert api_client.post(URL, valid_payload(), format="json").status_code == 201
    response = api_client.post(URL, valid_payload(), format="json")
    assert_error_shape(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 600


@pytest.fixture
def flagger():
    user = User.objects.create_user("ngo")
    user.groups.add(Group.objects.get_or_create(name="trusted_flagger")[0])
    token = Token.objects.create(user=user)
    return user, token.key


def test_batch_needs_a_trusted_flagger_token(api_client):
    response = api_client.post(URL + "batch/", {"complaints": [valid_payload(client_key="a")]}, format="json")
    assert_error_shape(response, 401, "unauthenticated")
    user = User.objects.create_user("nobody")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response = api_client.post(URL + "batch/", {"complaints": [valid_payload(client_key="a")]}, format="json")
    assert_error_shape(response, 403, "forbidden")


def test_batch_files_many_and_is_idempotent_on_client_key(api_client, flagger):
    user, key = flagger
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    batch = {"complaints": [valid_payload(client_key=f"k{i}", disclosed_info=["other"]) for i in range(5)]}
    first = api_client.post(URL + "batch/", batch, format="json")
    assert first.status_code == 201
    results = first.json()["results"]
    assert [r["created"] for r in results] == [True] * 5
    assert all(r["priority"] == "P1" for r in results)  # trusted flagger
    assert Complaint.objects.filter(source="trusted_flagger").count() == 5
    again = api_client.post(URL + "batch/", batch, format="json")
    assert again.status_code == 200
    assert [r["reference"] for r in again.json()["results"]] == [r["reference"] for r in results]
    assert all(not r["created"] and r["tracking_url"] is None for r in again.json()["results"])
    assert Complaint.objects.count() == 5


def test_batch_is_checked_whole_before_anything_is_stored(api_client, flagger):
    _user, key = flagger
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    batch = {"complaints": [valid_payload(client_key="a"), valid_payload(client_key="b", relationship="x"), valid_payload()]}
    error = assert_error_shape(api_client.post(URL + "batch/", batch, format="json"), 400)
    assert set(error["fields"]["complaints"]) == {"1", "2"}
    assert not Complaint.objects.exists()


def test_batch_of_101_is_refused(api_client, flagger):
    _user, key = flagger
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    batch = {"complaints": [valid_payload(client_key=str(i)) for i in range(101)]}
    assert_error_shape(api_client.post(URL + "batch/", batch, format="json"), 400)


def test_tracking_api_shows_status_timeline_and_no_staff_identity(api_client):
    body = api_client.post(URL, valid_payload(), format="json").json()
    token = body["tracking_url"].rstrip("/").rsplit("/", 1)[1]
    track = api_client.get(f"/api/v1/track/{token}/")
    assert track.status_code == 200
    data = track.json()
    assert data["reference"] == body["reference"]
    assert data["status"] == "received"
    assert [e["code"] for e in data["timeline"]] == ["complaint.submitted"]
    assert "actor" not in json.dumps(data)


def test_tracking_with_a_wrong_token_is_404(api_client):
    api_client.post(URL, valid_payload(), format="json")
    assert_error_shape(api_client.get("/api/v1/track/" + "A" * 43 + "/"), 404, "not_found")


def test_adding_evidence_and_details_completes_the_notice_and_starts_the_clock(api_client):
    body = api_client.post(
        URL, valid_payload(evidence_excerpt="", explanation=""), format="json"
    ).json()
    assert body["missing"] == ["explanation", "evidence"]
    token = body["tracking_url"].rstrip("/").rsplit("/", 1)[1]
    response = api_client.post(
        f"/api/v1/track/{token}/evidence", {"evidence": [io.BytesIO(make_png())]}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["missing"] == ["explanation"]
    complaint = Complaint.objects.get()
    from complaints import services

    services.complaint_complete(complaint=complaint, data=services.ComplaintInput(explanation="They posted it."))
    complaint.refresh_from_db()
    assert complaint.status == "received" and complaint.valid_at is not None
    assert complaint.response_due_at is not None
    codes = list(AuditEvent.objects.order_by("id").values_list("code", flat=True))
    assert codes == ["complaint.submitted", "complaint.evidence_added", "complaint.details_added", "complaint.became_valid"]


def test_schema_and_docs_are_served(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert "/api/v1/complaints/" in paths and "/api/v1/track/{token}/" in paths
    docs = api_client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_unknown_api_path_is_json_404(api_client):
    assert_error_shape(api_client.get("/api/v1/nothing-here/"), 404, "not_found")


def test_intake_costs_a_fixed_small_number_of_queries(api_client, django_assert_max_num_queries):
    api_client.post(URL, valid_payload(), format="json")  # warm the per-process caches
    # savepoint, complaint, item, audit event, timers, assessment, outbox row, the items' routes, release
    with django_assert_max_num_queries(9):
        response = api_client.post(
            URL, valid_payload(items=[{"url": f"https://x.example/{i}"} for i in range(20)]), format="json"
        )
    assert response.status_code == 201


def test_a_receipt_waits_in_the_outbox_while_the_mail_server_refuses(api_client, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    from deadlines import outbox
    from deadlines.models import OutboxMessage

    body = api_client.post(URL, valid_payload(), format="json").json()  # its on-commit kick never runs here
    complaint = Complaint.objects.get(pk=Complaint.pk_from_reference(body["reference"])[1])
    assert complaint.receipt_token and not mail.outbox
    real_send = EmailBackend.send_messages

    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    assert outbox.drain().failed == 1
    row = OutboxMessage.objects.get()
    assert row.attempts == 1 and "mail server down" in row.last_error and row.claimed_until is None
    complaint.refresh_from_db()
    assert complaint.receipt_token  # the stamp was rolled back with the failure
    assert outbox.drain().done == 0  # not due again yet: retried after a delay
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    OutboxMessage.objects.update(available_at=row.created_at)
    assert outbox.drain().done == 1
    assert len(mail.outbox) == 1 and body["tracking_url"] in mail.outbox[0].body
    assert not OutboxMessage.objects.exists()


def test_a_batch_writes_each_table_once_and_every_notice_whole(api_client, flagger, django_assert_max_num_queries):
    from deadlines.models import OutboxMessage
    from reports.models import Assessment

    _user, key = flagger
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    api_client.post(URL + "batch/", {"complaints": [valid_payload(client_key="warm")]}, format="json")
    batch = {"complaints": [
        valid_payload(client_key=f"k{i}", items=[{"url": f"https://x.example/{i}/{j}"} for j in range(3)])
        for i in range(20)
    ]}
    # The token and its groups, the keys already filed, savepoint, the audit ids, one insert
    # each for the notices, items, item routes, audit events, timers, assessments and outbox,
    # release: the same for 20 notices as for one.
    with django_assert_max_num_queries(13):
        response = api_client.post(URL + "batch/", batch, format="json")
    assert response.status_code == 201
    results = response.json()["results"]
    assert [r["client_key"] for r in results] == [f"k{i}" for i in range(20)] and all(r["created"] for r in results)
    complaints = list(Complaint.objects.filter(client_key__startswith="k").order_by("pk"))
    assert [c.reference for c in complaints] == [r["reference"] for r in results]
    for complaint in complaints:
        assert [i.url for i in complaint.items.order_by("position")] == [f"https://x.example/{complaint.client_key[1:]}/{j}"
                                                                       for j in range(3)]
        assert Timer.objects.filter(target_type="complaint", target_id=complaint.pk, kind="response_breach",
                                    due_at=complaint.response_due_at).exists()
        assert AuditEvent.objects.filter(code="complaint.submitted", target_id=str(complaint.pk)).count() == 1
        assert Assessment.objects.filter(subject_type="complaint", subject_id=complaint.pk).exists()
    acknowledged = {m.args[0] for m in OutboxMessage.objects.filter(task="complaints.send_acknowledgement")}
    assert {c.pk for c in complaints} <= acknowledged


def test_a_batch_mixing_filed_and_new_keys_files_only_the_new(api_client, flagger):
    _user, key = flagger
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    first = api_client.post(URL + "batch/", {"complaints": [valid_payload(client_key="b")]}, format="json").json()
    batch = {"complaints": [valid_payload(client_key=k) for k in ("a", "b", "c")]}
    results = api_client.post(URL + "batch/", batch, format="json").json()["results"]
    assert [r["created"] for r in results] == [True, False, True]
    assert results[1]["reference"] == first["results"][0]["reference"] and results[1]["tracking_url"] is None
    assert all(r["tracking_url"] for r in (results[0], results[2]))
    assert Complaint.objects.count() == 3


def test_a_key_filed_concurrently_rolls_the_batch_back_to_one_by_one(flagger, monkeypatch):
    from complaints import batch as batching
    from complaints.services import ComplaintInput
    from complaints.vocabulary import Channel

    user, _key = flagger
    data = [ComplaintInput(complainant_name="A", complainant_email="a@example.com", items=[("https://x.example/1", "")],
                           disclosed_info=["home_address"], explanation="x", good_faith_declaration=True,
                           client_key=k) for k in ("x", "y")]
    monkeypatch.setattr(batching, "_already_filed", lambda data, submitter: {})  # the check ran before the other call
    batching.complaint_submit_many(data=data[1:], channel=Channel.BATCH, submitter=user)
    submissions = batching.complaint_submit_many(data=data, channel=Channel.BATCH, submitter=user)
    assert [s.created for s in submissions] == [True, False]
    assert Complaint.objects.count() == 2
    assert AuditEvent.objects.filter(code="complaint.submitted").count() == 2
