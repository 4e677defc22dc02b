"""HMAC-SHA256 signatures of webhook bodies. Pure: no database, no settings.

The signed message is ``"<unix timestamp>." + body``: binding the timestamp stops a
captured request from being replayed later with a fresh header.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Takedown-Signature"
TIMESTAMP_HEADER = "X-Takedown-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
SCHEME = "v1"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: int, tolerance: int = 300) -> bool:
    """True when ``signature`` is ours for this body and the timestamp is recent."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - ts) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature or "")


def backoff_seconds(attempt: int, *, base: int = 30, cap: int = 3600) -> int:
    """Delay before attempt ``attempt + 1`` after ``attempt`` failures: 30 s, 60 s, 120 s ... 1 h."""
    return min(cap, base * 2 ** max(0, attempt - 1))
