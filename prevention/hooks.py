"""Extension points of the prevention app (see takedown.extensions)."""

from __future__ import annotations

from takedown.extensions import Hook

alert_raised = Hook(
    "prevention.alert_raised",
    "fn(alert, sharp=bool): the spike detector raised an alert (inside its transaction). A sharp "
    "rise is reported to the authorities: e.g. propose a referral.",
)
