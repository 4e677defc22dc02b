"""Re-encrypt every encrypted personal-data field with the newest key.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it),
restart the processes, run this command, then ``--check``; when it reports nothing
left on an old key, remove that key from the list. Rows are handled in batches, each
in its own transaction with the rows locked, and rows already on the newest key are
skipped, so an interrupted run is resumed by running the command again.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from complaints import events
from takedown import crypto


def _raw_batch(model, columns: list[str], after: int, size: int) -> list[tuple]:
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk}, {', '.join(quote(c) for c in columns)} FROM {quote(model._meta.db_table)} "
            f"WHERE {pk} > %s ORDER BY {pk} LIMIT %s",
            [after, size],
        )
        return cursor.fetchall()


def stale_rows(model, newest: str, columns: list[str], rows: list[tuple]) -> list[int]:
    """Primary keys of rows with a value sealed by another key than the newest."""
    stale = []
    for pk, *values in rows:
        if any((v or "") and crypto.stored_key_id(v) != newest for v in values):
            stale.append(pk)
    return stale


class Command(BaseCommand):
    help = "Re-encrypt personal-data fields with the newest FIELD_ENCRYPTION_KEYS key (batched, resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="rows per transaction")
        parser.add_argument("--check", action="store_true", help="only count rows not on the newest key; exit 1 if any")

    def handle(self, *args, batch: int, check: bool, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        newest = crypto.newest_key_id()
        models = crypto.models_with_encrypted_fields(apps.get_models())
        total_stale = 0
        total_done = 0
        for model in models:
            enc = crypto.encrypted_fields(model)
            idx = crypto.blind_index_fields(model)
            columns = [f.column for f in enc]
            after = 0
            done = 0
            while rows := _raw_batch(model, columns, after, batch):
                after = rows[-1][0]
                stale = stale_rows(model, newest, columns, rows)
                if not stale:
                    continue
                if check:
                    total_stale += len(stale)
                    continue
                with transaction.atomic():
                    # Locked and re-read: a concurrent edit is either before or after us.
                    objs = list(model.objects.select_for_update().filter(pk__in=stale).order_by("pk"))
                    for obj in objs:
                        for field in idx:
                            setattr(obj, field.attname, field.compute(obj))
                    model.objects.bulk_update(objs, [f.name for f in enc] + [f.name for f in idx])
                done += len(objs)
                self.stdout.write(f"{model._meta.label}: {done} re-encrypted (up to id {after})")
            total_done += done
        if check:
            self.stdout.write(f"{total_stale} rows not on key {newest}")
            if total_stale:
                raise SystemExit(1)
            return
        with transaction.atomic():
            events.keys_rotated(key_id=newest, rows=total_done)
        self.stdout.write(self.style.SUCCESS(f"{total_done} rows re-encrypted with key {newest}"))
