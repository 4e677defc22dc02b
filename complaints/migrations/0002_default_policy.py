from django.db import migrations


def create_default_policy(apps, schema_editor):
    DeadlinePolicy = apps.get_model("complaints", "DeadlinePolicy")
    if not DeadlinePolicy.objects.exists():
        DeadlinePolicy.objects.create(
            version=1,
            p0_hours=24,
            p1_hours=72,
            p2_hours=168,
            reminder_fractions=[0.5, 0.8],
            counter_notice_wait_days=15,
            appeal_window_days=183,
            claim_minutes=30,
            note="defaults (SPEC section 3)",
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(create_default_policy, migrations.RunPython.noop)]
