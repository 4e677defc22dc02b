"""The default screening policy, editable afterwards in the admin.

The reasoning behind the defaults: numbers that identify a person (ID and bank card
numbers) are blocked in anything public and only warned about in private messages,
where people do send their own. Contact details and addresses get a warning before
a public post, and searches for them are limited. A protected person's name together
with any other personal information is the shape of a doxxing post and is blocked;
a value removed in a decided case is blocked everywhere (staydown).
"""

from django.db import migrations

ANY = "*"
DEFAULT_RULES = {
    # kind: {context: verdict}; ANY covers the contexts not named.
    "id_number": {ANY: "block", "message": "warn", "search": "limit"},
    "bank_card": {ANY: "block", "message": "warn", "search": "limit"},
    "phone": {ANY: "allow", "post": "warn", "comment": "warn", "search": "limit"},
    "email": {ANY: "allow", "post": "warn", "comment": "warn"},
    "licence_plate": {ANY: "allow", "post": "warn", "comment": "warn"},
    "address": {ANY: "allow", "post": "warn", "comment": "warn", "search": "limit"},
    "protected_name": {ANY: "warn", "profile": "allow", "search": "limit"},
    "protected_name_with_info": {ANY: "block"},
    "staydown": {ANY: "block"},
}


def add_defaults(apps, schema_editor):
    ScreeningRule = apps.get_model("prevention", "ScreeningRule")
    for kind, by_context in DEFAULT_RULES.items():
        for context, verdict in by_context.items():
            ScreeningRule.objects.get_or_create(context=context, kind=kind, defaults={"verdict": verdict})


def remove_defaults(apps, schema_editor):
    apps.get_model("prevention", "ScreeningRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("prevention", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, remove_defaults)]
