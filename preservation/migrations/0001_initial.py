"""Legal requests, holds and exports, moved here from the audit app (tables unchanged)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("legalrequest", "legalhold", "export")


def _relabel(apps, source: str, target: str) -> None:
    # Permissions point at content types: relabel them instead of letting new ones appear.
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types(apps, schema_editor) -> None:
    _relabel(apps, "audit", "preservation")


def move_content_types_back(apps, schema_editor) -> None:
    _relabel(apps, "preservation", "audit")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("audit", "0005_preservation_models_move_out"),
        ('complaints', '0006_response_clock_models'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists already and keeps its name: only Django's view of which app
            # owns the model changes.
            state_operations=[
                migrations.CreateModel(
                    name='LegalRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('authority', models.CharField(max_length=200)),
                        ('reference_number', models.CharField(max_length=100)),
                        ('legal_basis', models.TextField()),
                        ('scope_references', models.JSONField(blank=True, default=list)),
                        ('scope_victim', models.CharField(blank=True, max_length=200)),
                        ('deadline', models.DateTimeField(blank=True, null=True)),
                        ('requesting_officer', models.CharField(max_length=200)),
                        ('registered_at', models.DateTimeField()),
                        ('expires_at', models.DateTimeField()),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('complaints', models.ManyToManyField(related_name='+', to='complaints.complaint')),
                        ('investigators', models.ManyToManyField(related_name='legal_requests', to=settings.AUTH_USER_MODEL)),
                        ('registered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'audit_legalrequest',
                    },
                ),
                migrations.CreateModel(
                    name='LegalHold',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.TextField()),
                        ('placed_by', models.CharField(max_length=64)),
                        ('placed_at', models.DateTimeField()),
                        ('released_by', models.CharField(blank=True, max_length=64)),
                        ('released_at', models.DateTimeField(blank=True, null=True)),
                        ('manifest', models.JSONField(default=dict)),
                        ('manifest_sha256', models.CharField(max_length=64)),
                        ('complaints', models.ManyToManyField(related_name='+', to='complaints.complaint')),
                        ('legal_request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='holds', to='preservation.legalrequest')),
                    ],
                    options={
                        'db_table': 'audit_legalhold',
                    },
                ),
                migrations.CreateModel(
                    name='Export',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('progress', models.PositiveSmallIntegerField(default=0)),
                        ('created_at', models.DateTimeField()),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('file_name', models.CharField(blank=True, max_length=200)),
                        ('size', models.PositiveBigIntegerField(blank=True, null=True)),
                        ('sha256', models.CharField(blank=True, max_length=64)),
                        ('event_count', models.PositiveIntegerField(blank=True, null=True)),
                        ('tree_size', models.BigIntegerField(blank=True, null=True)),
                        ('error', models.TextField(blank=True)),
                        ('complaints', models.ManyToManyField(related_name='+', to='complaints.complaint')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('legal_request', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='exports', to='preservation.legalrequest')),
                    ],
                    options={
                        'db_table': 'audit_export',
                    },
                ),
                migrations.AddConstraint(
                    model_name='legalrequest',
                    constraint=models.UniqueConstraint(fields=('authority', 'reference_number'), name='legal_request_unique_reference'),
                ),
                migrations.AddIndex(
                    model_name='export',
                    index=models.Index(fields=['state', 'created_at'], name='export_state'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
