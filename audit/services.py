"""The one writer of audit events."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection as default_connection
from django.db import models, transaction
from django.utils import timezone

from audit.canonical import CanonicalError, canonical_parts
from audit.models import AuditEvent


def audit_record(
    *,
    actor: str,
    code: str,
    target: models.Model | tuple[str, str | int],
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the change it records.

    ``target`` is a model instance or a ``(type, id)`` pair. ``details`` must be JSON
    and must not hold complainants' contact data: the log outlives retention.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    return insert_event(_event_fields(actor, code, target, details))


def audit_record_alone(
    *,
    actor: str,
    code: str,
    target: tuple[str, str | int],
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event that goes with no other change (a screening verdict: the event is
    all that is written).

    Outside a transaction, on PostgreSQL, the one INSERT is its own transaction, so no
    BEGIN and COMMIT of ours travel to the server: on the host platform's screening calls
    those two round trips cost more than the insert. SQLite keeps an explicit transaction
    (its write lock is then taken up front, before the id is drawn). Inside a caller's
    transaction the event is simply part of it.
    """
    connection = transaction.get_connection()
    fields = _event_fields(actor, code, target, details)
    if connection.vendor == "postgresql" or connection.in_atomic_block:
        return insert_event(fields)
    with transaction.atomic():
        return insert_event(fields)


def _event_fields(actor: str, code: str, target: models.Model | tuple[str, str | int],
                  details: dict[str, Any] | None) -> dict[str, Any]:
    if isinstance(target, models.Model):
        target_type, target_id = target._meta.model_name, str(target.pk)
    else:
        target_type, target_id = target[0], str(target[1])
    return {
        "created_at": timezone.now(),
        "actor": actor,
        "code": str(code),
        "target_type": target_type,
        "target_id": target_id,
        "details": details or {},
    }


_PG_INSERT = (
    "WITH n AS (SELECT nextval('audit_auditevent_id_seq'::regclass) AS id) "
    "INSERT INTO audit_auditevent (id, created_at, actor, code, target_type, target_id, details, entry) "
    "SELECT n.id, %s, %s, %s, %s, %s, %s::jsonb, %s || n.id || %s FROM n RETURNING id, entry"
)
# SQLite: the statement runs under the database's single write lock, so the next id
# cannot be taken by another writer between reading it and inserting the row.
_SQLITE_INSERT = (
    "INSERT INTO audit_auditevent (id, created_at, actor, code, target_type, target_id, details, entry) "
    "SELECT n.id, %s, %s, %s, %s, %s, %s, %s || n.id || %s "
    "FROM (SELECT COALESCE(MAX(id), 0) + 1 AS id FROM audit_auditevent) n RETURNING id, entry"
)


def insert_event(fields: dict[str, Any], *, connection=None) -> AuditEvent:
    """Insert one event row with its entry, the canonical text the log will hash.

    ``fields`` are the event without its id. The id is drawn inside the INSERT and
    spliced into the entry there, so row and entry agree from the first moment (on
    PostgreSQL a CHECK constraint insists on it for every row, see
    ``audit.enforcement``). Refuses, before anything is written, what has no
    canonical form (NaN, non-string keys, ...): one unserialisable event would
    otherwise hold up the whole log.
    """
    connection = connection or default_connection
    try:
        normalised, head, tail = canonical_parts(fields)
    except CanonicalError as exc:
        raise ValueError(f"audit event {fields.get('code')!r} cannot be logged: {exc}") from None
    params = [
        connection.ops.adapt_datetimefield_value(fields["created_at"]),
        normalised["actor"],
        normalised["code"],
        normalised["target_type"],
        normalised["target_id"],
        json.dumps(normalised["details"], ensure_ascii=False),
        head,
        tail,
    ]
    sql = _PG_INSERT if connection.vendor == "postgresql" else _SQLITE_INSERT
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        event_id, entry = cursor.fetchone()
    event = AuditEvent(
        id=event_id,
        created_at=fields["created_at"],
        actor=normalised["actor"],
        code=normalised["code"],
        target_type=normalised["target_type"],
        target_id=normalised["target_id"],
        details=normalised["details"],
        entry=entry,
    )
    event._state.adding = False
    event._state.db = connection.alias
    return event


def _draw_ids(connection, count: int) -> list[int]:
    """``count`` new event ids. PostgreSQL: from the sequence. SQLite: after the largest, which
    no other writer can take meanwhile (every transaction holds the one write lock)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval('audit_auditevent_id_seq'::regclass) FROM generate_series(1, %s)", [count])
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM audit_auditevent")
        last = cursor.fetchone()[0]
        return list(range(last + 1, last + 1 + count))


def audit_record_many(
    *, actor: str, code: str, entries: list[tuple[models.Model | tuple[str, str | int], dict[str, Any]]]
) -> list[AuditEvent]:
    """Append one event per ``(target, details)`` in two statements (ids, then one insert).

    The same events, in the same order, as ``audit_record`` called for each entry; for
    writes that store many subjects at once (a batch of notices).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must run inside the transaction of the change it records")
    if not entries:
        return []
    now = timezone.now()
    prepared = []
    for target, details in entries:
        if isinstance(target, models.Model):
            target_type, target_id = target._meta.model_name, str(target.pk)
        else:
            target_type, target_id = target[0], str(target[1])
        fields = {"created_at": now, "actor": actor, "code": str(code), "target_type": target_type,
                  "target_id": target_id, "details": details or {}}
        try:
            prepared.append(canonical_parts(fields))
        except CanonicalError as exc:
            raise ValueError(f"audit event {code!r} cannot be logged: {exc}") from None
    connection = default_connection
    ids = _draw_ids(connection, len(prepared))
    created_at = connection.ops.adapt_datetimefield_value(now)
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    rows, params, events = [], [], []
    for event_id, (normalised, head, tail) in zip(ids, prepared, strict=True):
        entry = f"{head}{event_id}{tail}"  # as the single insert splices it
        rows.append(f"(%s, %s, %s, %s, %s, %s, %s{cast}, %s)")
        params += [event_id, created_at, normalised["actor"], normalised["code"], normalised["target_type"],
                   normalised["target_id"], json.dumps(normalised["details"], ensure_ascii=False), entry]
        event = AuditEvent(id=event_id, created_at=now, actor=normalised["actor"], code=normalised["code"],
                           target_type=normalised["target_type"], target_id=normalised["target_id"],
                           details=normalised["details"], entry=entry)
        event._state.adding = False
        event._state.db = connection.alias
        events.append(event)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (id, created_at, actor, code, target_type, target_id, details, entry) "
            "VALUES " + ", ".join(rows),
            params,
        )
    return events
