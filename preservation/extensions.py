"""What preservation adds to the layers below (see takedown.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from complaints import hooks as complaint_hooks
from deadlines.registry import timer_handlers
from moderation import hooks as moderation_hooks
from preservation import api, demo, holds, legal, retention
from preservation.selectors import live_holds
from takedown import roles
from takedown.hooks import demo_seeders, staff_pages
from takedown.navigation import StaffPage

# Nothing of a held case may change: every service asks first.
complaint_hooks.case_change.connect(holds.guard_mutation)
# An investigator sees a case only through a live legal request covering it.
complaint_hooks.case_visible.connect(legal.investigator_can_see)
# The complainant proved a complaint to an authority or a lawsuit: the case is frozen.
moderation_hooks.counter_notice_proved.connect(holds.hold_for_counter_notice_proof)
timer_handlers.register(retention.RETENTION_EXPIRY)(retention.retention_expired)
timer_handlers.register(legal.REQUEST_EXPIRY)(legal.legal_request_expired)
demo_seeders.connect(demo.seed_preservation_demo)


@staff_pages.connect
def preservation_pages() -> list[StaffPage]:
    from preservation import views

    return [
        StaffPage("preservation:legal-requests", gettext_lazy("Legal requests"), views.READERS, 60),
        StaffPage("preservation:holds", gettext_lazy("Holds"), api.HOLDERS, 65),
        StaffPage("preservation:exports", gettext_lazy("Exports"), (roles.INVESTIGATOR, roles.ADMIN), 70),
    ]


@moderation_hooks.case_panels.connect
def hold_banner(complaint, request) -> tuple[str, dict] | None:
    """A held case says so at the top of its staff page, with every hold in force."""
    live = list(live_holds(complaint.pk).select_related("legal_request").order_by("placed_at", "pk"))
    if not live:
        return None
    return "preservation/_hold_banner.html", {"holds": live}
