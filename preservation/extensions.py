"""What preservation adds to the layers below (see takedown.extensions)."""

from __future__ import annotations

from complaints import hooks as complaint_hooks
from deadlines.registry import timer_handlers
from moderation import hooks as moderation_hooks
from preservation import demo, holds, legal, retention
from takedown.hooks import demo_seeders

# Nothing of a held case may change: every service asks first.
complaint_hooks.case_change.connect(holds.guard_mutation)
# An investigator sees a case only through a live legal request covering it.
complaint_hooks.case_visible.connect(legal.investigator_can_see)
# The complainant proved a complaint to an authority or a lawsuit: the case is frozen.
moderation_hooks.counter_notice_proved.connect(holds.hold_for_counter_notice_proof)
timer_handlers.register(retention.RETENTION_EXPIRY)(retention.retention_expired)
timer_handlers.register(legal.REQUEST_EXPIRY)(legal.legal_request_expired)
demo_seeders.connect(demo.seed_preservation_demo)
