"""E-mails not sent yet when the outbox arrived (receipts, replies) become outbox rows:
the periodic resends are gone."""

from django.db import migrations
from django.utils import timezone


def forward(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    Message = apps.get_model("complaints", "Message")
    OutboxMessage = apps.get_model("deadlines", "OutboxMessage")
    now = timezone.now()
    receipts = Complaint.objects.exclude(receipt_token="").values_list("pk", flat=True)
    replies = Message.objects.filter(email_due=True, emailed_at__isnull=True).values_list("pk", flat=True)
    rows = [OutboxMessage(task="complaints.send_acknowledgement", args=[pk], created_at=now, available_at=now)
            for pk in receipts.iterator()]
    rows += [OutboxMessage(task="complaints.send_message_email", args=[pk], created_at=now, available_at=now)
             for pk in replies.iterator()]
    OutboxMessage.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0008_message_reply_email"),
        ("deadlines", "0004_outboxmessage"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
