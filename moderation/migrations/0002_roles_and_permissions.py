"""Every role of takedown.roles as an auth group, with the model permissions it needs.

The API and pages check roles (group names), not these permissions; the permissions
make the Django admin show each role only what it may touch.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ("moderator", "senior_moderator", "investigator", "admin", "trusted_flagger", "authority", "platform")

REVIEW = [
    ("complaints", "view_complaint"), ("complaints", "view_complaintitem"), ("complaints", "view_evidence"),
    ("complaints", "view_message"), ("moderation", "view_claim"), ("moderation", "add_claim"),
    ("moderation", "view_decision"), ("moderation", "add_decision"), ("moderation", "view_itemaction"),
    ("moderation", "view_incident"), ("moderation", "add_incident"), ("moderation", "view_counternotice"),
    ("moderation", "view_appeal"), ("hostplatform", "view_webhookdelivery"),
]
SENIOR_EXTRA = [
    ("moderation", "change_appeal"), ("moderation", "change_incident"), ("moderation", "view_submitterstanding"),
    ("moderation", "change_submitterstanding"), ("moderation", "view_misusestep"),
]
GRANTS = {
    "moderator": REVIEW,
    "senior_moderator": REVIEW + SENIOR_EXTRA,
    "admin": REVIEW + SENIOR_EXTRA + [("auth", "view_user"), ("auth", "view_group"), ("complaints", "view_deadlinepolicy")],
    "investigator": [("complaints", "view_complaint"), ("complaints", "view_evidence"), ("moderation", "view_decision")],
    "trusted_flagger": [("complaints", "add_complaint")],
    "authority": [("complaints", "add_complaint")],
    "platform": [],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role)
        for app_label, codename in GRANTS.get(role, []):
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("complaints", "0001_initial"),
        ("hostplatform", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
