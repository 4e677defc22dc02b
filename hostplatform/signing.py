"""Standard Webhooks signatures (symmetric scheme). Pure: no database, no settings.

The Standard Webhooks specification 1.0.0 (standard-webhooks/standard-webhooks,
``spec/standard-webhooks.md``): the signed content is ``"{webhook-id}.{webhook-timestamp}.{body}"``,
HMAC-SHA256 with the secret's bytes, sent as ``v1,<base64 of the digest>``; several signatures
are space-separated in one ``webhook-signature`` header so a secret can be rotated without
downtime. Secrets are serialised as ``whsec_`` + base64 of 24 to 64 random bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
SECRET_PREFIX = "whsec_"
VERSION = "v1"
TOLERANCE_SECONDS = 300  # receivers refuse timestamps further than this from their clock

# The id is part of the signed content and delimited by a full stop: it must not contain one
# (the specification's warning), nor anything else that needs escaping in a header.
MESSAGE_ID_RE = re.compile(r"^[A-Za-z0-9_:\-]{1,120}\Z")


class SecretError(ValueError):
    """A secret that is not ``whsec_`` + base64 of 24 to 64 bytes."""


def secret_bytes(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise SecretError("a webhook secret starts with whsec_")
    try:
        raw = base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
    except ValueError as exc:
        raise SecretError("a webhook secret is whsec_ + base64") from exc
    if not 24 <= len(raw) <= 64:
        raise SecretError("a webhook secret holds 24 to 64 bytes")
    return raw


def _digest(key: bytes, message_id: str, timestamp: int, body: bytes) -> bytes:
    return hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()


def sign(keys: Sequence[bytes], message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: one ``v1,<base64>`` per key, space-separated, in order."""
    if not keys:
        raise SecretError("no signing secret")
    if not MESSAGE_ID_RE.match(message_id):
        raise ValueError(f"webhook id {message_id!r} may hold only letters, digits, '_', ':' and '-'")
    return " ".join(
        f"{VERSION},{base64.b64encode(_digest(key, message_id, timestamp, body)).decode()}" for key in keys
    )


def headers(keys: Sequence[bytes], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(keys, message_id, timestamp, body),
    }


def verify(keys: Sequence[bytes], received: Mapping[str, str], body: bytes, *, now: int,
           tolerance: int = TOLERANCE_SECONDS) -> bool:
    """True when one of the received signatures is ours for this id, timestamp and body, and
    the timestamp is within ``tolerance`` seconds of ``now``. Header names in any case."""
    lowered = {str(k).lower(): v for k, v in received.items()}
    message_id = lowered.get(ID_HEADER, "")
    try:
        timestamp = int(lowered.get(TIMESTAMP_HEADER, ""))
    except ValueError:
        return False
    if not message_id or not MESSAGE_ID_RE.match(message_id) or abs(now - timestamp) > tolerance:
        return False
    offered = []
    for part in lowered.get(SIGNATURE_HEADER, "").split():
        version, _, value = part.partition(",")
        if version != VERSION:
            continue
        try:
            offered.append(base64.b64decode(value, validate=True))
        except ValueError:
            continue
    for key in keys:
        expected = _digest(key, message_id, timestamp, body)
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return True
    return False


def backoff_seconds(attempt: int, *, base: int = 30, cap: int = 3600) -> int:
    """Delay before attempt ``attempt + 1`` after ``attempt`` failures: 30 s, 60 s, 120 s ... 1 h."""
    return min(cap, base * 2 ** max(0, attempt - 1))
