"""Submitting statements of reasons to the DSA Transparency Database.

The API as its documentation states it (transparency.dsa.ec.europa.eu, "API and Schema";
the application's source, digital-services-act/transparency-database,
StatementMultipleAPIController): ``POST <DSA_TDB_URL>`` (the ``/api/v1/statements`` route)
with ``Authorization: Bearer <token>`` and ``{"statements": [...]}`` holding 1 to 100
statements. ``201``: all were created, each returned with its ``puid`` and ``uuid``.
``422``: none was created; ``errors`` is keyed ``statement_<index>`` for invalid ones, or
holds ``puid`` and ``existing_puids`` when identifiers are already in the database.
``401``: the token is wrong. 5xx: their side; try later.

What becomes of each decision's statement is recorded in ``DsaStatementResult``; each call
in ``DsaSubmission``. A statement already in the database (its puid exists) counts as
accepted, so a repeated or concurrent run never creates anything twice.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from reports.dsa import BATCH_LIMIT
from reports.models import DsaStatementResult, DsaSubmission
from reports.statements import Withheld, exported_decisions, statements_batch

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 2.0  # 2 s, 4 s, 8 s ... between tries of one call
BACKOFF_CAP_SECONDS = 300.0  # also the most a Retry-After is waited for
ANSWER_LIMIT = 4000


class Transient(Exception):
    """The database did not take the call, and saying it again later may work."""


class Stop(Exception):
    """The call cannot succeed until an operator acts (token, URL)."""


@dataclass(frozen=True)
class Reply:
    status: int  # 0: no answer
    body: dict[str, Any]
    text: str = ""
    retry_after: float | None = None


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def post_statements(statements: list[dict[str, Any]]) -> Reply:
    data = json.dumps({"statements": statements}, ensure_ascii=False).encode()
    request = urllib.request.Request(settings.DSA_TDB_URL, data=data, method="POST", headers={
        "Authorization": f"Bearer {settings.DSA_TDB_TOKEN}",
        "Accept": "application/json",
        "Content-Type": "application/json",
    })
    try:
        with urllib.request.urlopen(request, timeout=settings.DSA_TDB_TIMEOUT) as response:  # noqa: S310 (operator-set URL)
            raw, status, headers = response.read(), response.status, response.headers
    except urllib.error.HTTPError as exc:
        raw, status, headers = exc.read(), exc.code, exc.headers
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        return Reply(0, {}, f"{type(exc).__name__}: {exc}"[:500])
    text = raw.decode("utf-8", "replace")
    try:
        body = json.loads(text) if text else {}
    except ValueError:
        body = {}
    return Reply(status, body if isinstance(body, dict) else {}, text[:ANSWER_LIMIT],
                 _retry_after(headers.get("Retry-After") if headers else None))


def _transient(status: int) -> bool:
    return status == 0 or status in (408, 425, 429) or status >= 500


def _record_call(started: datetime, count: int, reply: Reply, outcome: str) -> DsaSubmission:
    error = "" if outcome == DsaSubmission.Outcome.CREATED else (reply.text or f"HTTP {reply.status}")
    return DsaSubmission.objects.create(
        started_at=started, finished_at=timezone.now(), statements=count,
        http_status=reply.status or None, outcome=outcome, error=error[:ANSWER_LIMIT],
    )


def _call(statements: list[dict[str, Any]], sleep: Callable[[float], None]) -> tuple[Reply, DsaSubmission]:
    """One call, tried again with backoff while the failure is transient."""
    retries = settings.DSA_TDB_MAX_RETRIES
    for attempt in range(retries + 1):
        started = timezone.now()
        reply = post_statements(statements)
        if reply.status == 201:
            return reply, _record_call(started, len(statements), reply, DsaSubmission.Outcome.CREATED)
        if reply.status == 422:
            return reply, _record_call(started, len(statements), reply, DsaSubmission.Outcome.REFUSED)
        _record_call(started, len(statements), reply, DsaSubmission.Outcome.FAILED)
        if not _transient(reply.status):
            logger.error("DSA Transparency Database refused the call with %s: %s", reply.status, reply.text[:200])
            raise Stop(f"HTTP {reply.status}: check DSA_TDB_URL and DSA_TDB_TOKEN")
        if attempt == retries:
            break
        delay = min(BACKOFF_CAP_SECONDS, reply.retry_after if reply.retry_after is not None
                    else BACKOFF_BASE_SECONDS * 2 ** attempt)
        logger.warning("DSA Transparency Database: %s; trying again in %.0f s", reply.text[:200] or reply.status, delay)
        sleep(delay)
    raise Transient(f"no success after {retries + 1} tries (last: {reply.status or reply.text})")


def _record(decision_id: int, puid: str, state: str, *, submission: DsaSubmission | None = None,
            uuid: str = "", reason: str = "", errors: dict | None = None) -> None:
    values = {"puid": puid, "state": state, "uuid": uuid, "reason": reason, "errors": errors or {},
              "submission": submission, "recorded_at": timezone.now()}
    try:
        with transaction.atomic():
            DsaStatementResult.objects.update_or_create(decision_id=decision_id, defaults=values)
    except IntegrityError:  # a concurrent run recorded it first
        DsaStatementResult.objects.filter(decision_id=decision_id).update(**values)


def _submit(statements: list[dict[str, Any]], decision_ids: list[int], sleep: Callable[[float], None]) -> dict[str, int]:
    counts = {"accepted": 0, "refused": 0}
    remaining = list(zip(statements, decision_ids, strict=True))
    while remaining:
        reply, submission = _call([s for s, _ in remaining], sleep)
        if reply.status == 201:
            uuids = {s.get("puid"): str(s.get("uuid", "")) for s in reply.body.get("statements", []) if isinstance(s, dict)}
            for statement, decision_id in remaining:
                _record(decision_id, statement["puid"], DsaStatementResult.State.ACCEPTED, submission=submission,
                        uuid=uuids.get(statement["puid"], ""))
            counts["accepted"] += len(remaining)
            return counts
        # 422: nothing of this call was created. Record what was refused or already there,
        # and send the others again.
        errors = reply.body.get("errors") if isinstance(reply.body.get("errors"), dict) else {}
        existing = {str(p) for p in errors.get("existing_puids") or []}
        refused = {}
        for key, value in errors.items():
            if key.startswith("statement_") and key[len("statement_"):].isdigit():
                refused[int(key[len("statement_"):])] = value if isinstance(value, dict) else {"statement": [str(value)]}
        if not existing and not refused:
            # Refused as a whole with no statement named: record each, keep the answer.
            refused = {i: {"statements": [str(reply.body.get("message") or reply.text)[:500]]} for i in range(len(remaining))}
        left = []
        for index, (statement, decision_id) in enumerate(remaining):
            if statement["puid"] in existing:
                _record(decision_id, statement["puid"], DsaStatementResult.State.ACCEPTED, submission=submission,
                        reason="already_in_database")
                counts["accepted"] += 1
            elif index in refused:
                _record(decision_id, statement["puid"], DsaStatementResult.State.REFUSED, submission=submission,
                        reason="refused_by_database", errors=refused[index])
                counts["refused"] += 1
            else:
                left.append((statement, decision_id))
        if len(left) == len(remaining):
            # An answer that names none of these statements: do not send them again and again.
            for statement, decision_id in left:
                _record(decision_id, statement["puid"], DsaStatementResult.State.REFUSED, submission=submission,
                        reason="refused_by_database", errors={"statements": [reply.text[:500]]})
            counts["refused"] += len(left)
            left = []
        remaining = left
    return counts


def pending_decisions():
    """Restrictive decisions whose statement has no recorded result yet."""
    done = DsaStatementResult.objects.filter(decision_id=OuterRef("pk"))
    return exported_decisions().filter(~Exists(done))


def submit_pending(*, sleep: Callable[[float], None] = time.sleep, max_batches: int = 10_000) -> dict[str, Any]:
    """Send every statement not yet in the database, in batches of up to 100.

    Raises ``Transient`` when the database keeps failing (what was done is kept; the next
    run goes on from there) and ``Stop`` when it refuses the call itself (401, 404...).
    """
    if not settings.DSA_TDB_URL:
        return {"state": "disabled"}
    summary = {"state": "done", "batches": 0, "accepted": 0, "refused": 0, "withheld": 0}
    after = 0
    for _ in range(max_batches):
        batch = statements_batch(after=after, limit=BATCH_LIMIT, decisions=pending_decisions())
        for withheld in batch.withheld:
            _record_withheld(withheld)
            summary["withheld"] += 1
        if not batch.statements:
            break
        counts = _submit(batch.statements, batch.decision_ids, sleep)
        summary["batches"] += 1
        summary["accepted"] += counts["accepted"]
        summary["refused"] += counts["refused"]
        if batch.next_after is None:
            break
        after = batch.next_after
    return summary


def _record_withheld(withheld: Withheld) -> None:
    _record(withheld.decision_id, withheld.puid, DsaStatementResult.State.WITHHELD, reason=withheld.reason,
            errors=withheld.errors)
