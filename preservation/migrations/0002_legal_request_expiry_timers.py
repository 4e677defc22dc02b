"""Requests registered before export packages were deleted at expiry get their timer."""

from django.db import migrations

KIND = "legal_request_expiry"


def schedule(apps, schema_editor) -> None:
    LegalRequest = apps.get_model("preservation", "LegalRequest")
    Timer = apps.get_model("deadlines", "Timer")
    for request in LegalRequest.objects.filter(revoked_at__isnull=True).iterator():
        Timer.objects.get_or_create(
            kind=KIND, target_type="legalrequest", target_id=request.pk, due_at=request.expires_at,
            defaults={"payload": {}},
        )


def unschedule(apps, schema_editor) -> None:
    apps.get_model("deadlines", "Timer").objects.filter(kind=KIND, state="pending").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("preservation", "0001_initial"),
        ("deadlines", "0003_response_clock_moves_to_complaints"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
