"""The response clock (pauses, breaches) moves to the complaints app; its tables stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('deadlines', '0002_timer_attempts_timer_last_error_alter_timer_state_and_more'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists already and keeps its name: only Django's view of which app
            # owns the model changes.
            state_operations=[
                migrations.RemoveField(
                    model_name='clockpause',
                    name='complaint',
                ),
                migrations.DeleteModel(
                    name='Breach',
                ),
                migrations.DeleteModel(
                    name='ClockPause',
                ),
            ],
        ),
    ]
