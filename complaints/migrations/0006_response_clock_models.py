"""The response clock's pauses and breaches, moved here from the deadlines app (tables unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("deadlines", "0003_response_clock_moves_to_complaints"),
        ('complaints', '0005_receipt_token'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists already and keeps its name: only Django's view of which app
            # owns the model changes.
            state_operations=[
                migrations.CreateModel(
                    name='Breach',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('due_at', models.DateTimeField()),
                        ('breached_at', models.DateTimeField()),
                        ('priority', models.CharField(max_length=2)),
                        ('policy_version', models.PositiveIntegerField()),
                        ('complaint', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='complaints.complaint')),
                    ],
                    options={
                        'db_table': 'deadlines_breach',
                        'indexes': [models.Index(fields=['breached_at'], name='breach_when')],
                    },
                ),
                migrations.CreateModel(
                    name='ClockPause',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('paused_at', models.DateTimeField()),
                        ('due_at_pause', models.DateTimeField()),
                        ('remaining_seconds', models.FloatField()),
                        ('pending_timers', models.JSONField(default=list)),
                        ('resumed_at', models.DateTimeField(blank=True, null=True)),
                        ('due_at_resume', models.DateTimeField(blank=True, null=True)),
                        ('complaint', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='complaints.complaint')),
                    ],
                    options={
                        'db_table': 'deadlines_clockpause',
                        'constraints': [models.UniqueConstraint(condition=models.Q(('resumed_at__isnull', True)), fields=('complaint',), name='clockpause_one_open')],
                    },
                ),
            ],
        ),
    ]
