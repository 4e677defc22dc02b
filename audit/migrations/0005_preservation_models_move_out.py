"""Legal requests, holds and exports move to the preservation app; their tables stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_event_entry'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists already and keeps its name: only Django's view of which app
            # owns the model changes.
            state_operations=[
                migrations.RemoveField(
                    model_name='legalhold',
                    name='complaints',
                ),
                migrations.RemoveField(
                    model_name='legalhold',
                    name='legal_request',
                ),
                migrations.RemoveField(
                    model_name='legalrequest',
                    name='complaints',
                ),
                migrations.RemoveField(
                    model_name='legalrequest',
                    name='investigators',
                ),
                migrations.RemoveField(
                    model_name='legalrequest',
                    name='registered_by',
                ),
                migrations.DeleteModel(
                    name='Export',
                ),
                migrations.DeleteModel(
                    name='LegalHold',
                ),
                migrations.DeleteModel(
                    name='LegalRequest',
                ),
            ],
        ),
    ]
