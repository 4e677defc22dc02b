"""The moderator's conversation with the complainant: what they sent later is shown on the
case page (new to each moderator until they have read it), the queue marks it, a reply
reaches the tracking page and the complainant's inbox in their language, every view and
reply is on the record, and the messages are encrypted and erased like other free text."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from complaints import services as complaint_services
from complaints import thread
from complaints.models import Message
from complaints.services import UploadedEvidence
from deadlines.models import OutboxMessage
from moderation.models import ConversationRead
from tests.conftest import make_png
from tests.moderation.conftest import logged_in


def conversation(html: str) -> str:
    return re.search(r'<section id="conversation".*?</section>', html, re.S).group(0)


def new_entries(html: str) -> list[str]:
    return re.findall(r'<li class="entry entry-(\w+) unread"', conversation(html))


def queue_row(html: str, reference: str) -> str:
    return re.search(rf'<tr data-reference="{reference}".*?</tr>', html, re.S).group(0)


def test_what_the_complainant_sent_later_is_new_to_each_moderator_until_read(submit, moderator, moderator_b):
    complaint, _ = submit()
    complaint_services.complaint_add_message(complaint=complaint, body="They posted my phone number too.")
    complaint_services.complaint_add_evidence(complaint=complaint, files=[UploadedEvidence("second.png", make_png())])
    complaint_services.complaint_add_evidence(complaint=complaint, excerpt="Call her at 138 0000 0000")
    a, b = logged_in(moderator), logged_in(moderator_b)

    queue = a.get("/staff/queue/").content.decode()
    assert 'data-unread="2"' in queue_row(queue, complaint.reference) and "2 unread" in queue_row(queue, complaint.reference)

    first = a.get(f"/staff/cases/{complaint.reference}/").content.decode()
    section = conversation(first)
    assert "They posted my phone number too." in section
    assert "Added a file: second.png" in section and "Added details: a quoted excerpt" in section
    assert new_entries(first) == ["message", "evidence"]
    assert 'id="conversation-unread">2 new<' in section

    again = a.get(f"/staff/cases/{complaint.reference}/").content.decode()
    assert new_entries(again) == [] and "conversation-unread" not in again
    assert 'data-unread' not in queue_row(a.get("/staff/queue/").content.decode(), complaint.reference)
    # The other moderator has read nothing yet.
    assert 'data-unread="2"' in queue_row(b.get("/staff/queue/").content.decode(), complaint.reference)
    assert new_entries(b.get(f"/staff/cases/{complaint.reference}/").content.decode()) == ["message", "evidence"]

    # Only what arrives after the last reading is new again.
    complaint_services.complaint_add_message(complaint=complaint, body="Any news?",
                                             now=timezone.now() + timedelta(seconds=5))
    later = a.get(f"/staff/cases/{complaint.reference}/").content.decode()
    assert new_entries(later) == ["message"] and "Any news?" in later


def test_every_view_of_the_conversation_is_on_the_record(submit, moderator):
    complaint, _ = submit()
    complaint_services.complaint_add_message(complaint=complaint, body="Hello?")
    client = logged_in(moderator)
    client.get(f"/staff/cases/{complaint.reference}/")
    client.get(f"/staff/cases/{complaint.reference}/")
    views = list(AuditEvent.objects.filter(code="case.conversation_viewed", target_id=str(complaint.pk)).order_by("id"))
    assert [v.actor for v in views] == [f"user:{moderator.pk}"] * 2
    assert [(v.details["shown"], v.details["unread"]) for v in views] == [(1, 1), (1, 0)]


def test_a_reply_reaches_the_tracking_page_the_api_and_the_inbox_in_the_complainants_language(
        submit, moderator, client, django_capture_on_commit_callbacks):
    complaint, token = submit(language="zh-hans", email="li@example.com")
    staff = logged_in(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/staff/cases/{complaint.reference}/reply/",
                              {"body": "我们已收到您的截图，正在处理。"})
    assert response.status_code == 302 and response["Location"].endswith("#conversation")
    reply = Message.objects.get(complaint=complaint, author=Message.Author.PLATFORM)
    assert reply.staff_user == moderator and reply.emailed_at is not None

    sent = [m for m in mail.outbox if m.to == ["li@example.com"] and "TD-" in m.subject and "留言" in m.subject]
    assert len(sent) == 1 and "我们已收到您的截图，正在处理。" in sent[0].body
    assert complaint.reference in sent[0].subject and moderator.username not in sent[0].body

    page = client.get(f"/track/{token}/").content.decode()
    messages = re.search(r'<section id="messages">.*?</section>', page, re.S).group(0)
    assert "我们已收到您的截图，正在处理。" in messages and 'class="from-platform"' in messages
    assert moderator.username not in page
    api = client.get(f"/api/v1/track/{token}/").json()
    assert [m["body"] for m in api["messages"] if m["from"] == "platform"] == ["我们已收到您的截图，正在处理。"]

    event = AuditEvent.objects.get(code="complaint.message_added", details__message_id=reply.pk)
    assert event.actor == f"user:{moderator.pk}"
    # Replying reads the thread.
    assert ConversationRead.objects.filter(user=moderator, complaint=complaint).exists()


def test_the_reply_email_is_sent_once_even_if_the_task_is_delivered_twice(submit, moderator):
    complaint, _ = submit()
    reply = thread.complaint_reply(complaint=complaint, body="Could you send the second link?", staff_user=moderator)
    mail.outbox.clear()
    assert thread.message_email_send(reply.pk) is True
    assert thread.message_email_send(reply.pk) is False
    assert len(mail.outbox) == 1 and "Could you send the second link?" in mail.outbox[0].body


def test_a_mail_server_failure_leaves_the_reply_due_so_the_retry_sends_it(submit, moderator, monkeypatch):
    complaint, _ = submit()
    reply = thread.complaint_reply(complaint=complaint, body="We are on it.", staff_user=moderator)
    mail.outbox.clear()

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(thread, "send_mail", refused)
    with pytest.raises(OSError):
        thread.message_email_send(reply.pk)
    reply.refresh_from_db()
    assert reply.email_due and reply.emailed_at is None
    # The delivery waits in the outbox, written with the reply, for its retry.
    assert OutboxMessage.objects.filter(task="complaints.send_message_email", args=[reply.pk]).exists()
    monkeypatch.undo()
    assert thread.message_email_send(reply.pk) is True and len(mail.outbox) == 1


def test_messages_are_ciphertext_in_the_database_and_erased_with_the_case(submit, moderator):
    complaint, _ = submit()
    complaint_services.complaint_add_message(complaint=complaint, body="They came to room 501 on Xinhua Road.")
    reply = thread.complaint_reply(complaint=complaint, body="Room 501 on Xinhua Road is noted.", staff_user=moderator)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM complaints_message WHERE complaint_id = %s", [complaint.pk])
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 2 and all(value.startswith("v1$") and "Xinhua" not in value for value in stored)

    Message.objects.filter(pk=reply.pk).update(emailed_at=None)
    counts = complaint_services.complaint_erase_personal_data(complaint=complaint, actor="system")
    assert counts["messages"] == 2
    assert set(Message.objects.filter(complaint=complaint).values_list("body", flat=True)) == {""}
    mail.outbox.clear()
    assert thread.message_email_send(reply.pk) is False and mail.outbox == []


def test_only_reviewers_reply_and_an_empty_reply_is_refused(submit, moderator, investigator, legal_request_for):
    complaint, _ = submit()
    legal_request_for(investigator, [complaint])
    inv = logged_in(investigator)
    refused = inv.post(f"/staff/cases/{complaint.reference}/reply/", {"body": "Hi"})
    assert refused.status_code == 403
    page = inv.get(f"/staff/cases/{complaint.reference}/")
    assert page.status_code == 200 and 'id="reply-form"' not in page.content.decode()
    staff = logged_in(moderator)
    empty = staff.post(f"/staff/cases/{complaint.reference}/reply/", {"body": "   "}, follow=True)
    assert "The reply was not sent." in empty.content.decode()
    assert not Message.objects.filter(complaint=complaint).exists()
