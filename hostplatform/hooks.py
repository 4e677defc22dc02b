"""Extension points of the host-platform adapter (see takedown.extensions)."""

from __future__ import annotations

from takedown.extensions import Registry

delivery_finished = Registry(
    "hostplatform.delivery_finished",
    "fn(delivery), by webhook event type: a delivery reached done, failed or escalated. Runs inside "
    "the transaction that records it, with the delivery row locked, so the owning app's state "
    "changes together with the delivery's.",
)
