"""The one host platform configured in settings becomes the group's default platform.

Its webhook URL and secrets stay in settings (``HOST_PLATFORM_WEBHOOK_URL``,
``WEBHOOK_SECRETS``) until an operator gives it its own; it owns no domain, so it keeps
receiving every item, and every existing platform token acts for it.
"""

from django.db import migrations


def create_default(apps, schema_editor):
    Platform = apps.get_model("hostplatform", "Platform")
    if not Platform.objects.filter(is_default=True).exists():
        Platform.objects.create(name="Host platform", slug="host", is_default=True)


def remove_default(apps, schema_editor):
    apps.get_model("hostplatform", "Platform").objects.filter(is_default=True, routes__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [("hostplatform", "0003_platforms")]

    operations = [migrations.RunPython(create_default, remove_default)]
