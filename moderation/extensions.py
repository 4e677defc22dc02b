"""What the moderator workspace adds to the layers below (see takedown.extensions)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from complaints import hooks as complaint_hooks
from complaints.selectors import TrackingSection
from deadlines.models import Timer
from deadlines.registry import timer_handlers
from moderation import demo, selectors, services
from moderation.serializers import OutcomeSectionOutput
from takedown.hooks import demo_seeders, staff_pages
from takedown.navigation import StaffPage

complaint_hooks.before_submit.connect(services.refuse_if_suspended)
complaint_hooks.case_assignee.connect(services.claim_holder)
complaint_hooks.erase_personal_data.connect(services.erase_redress_personal_data)
complaint_hooks.tracking_section_schemas.register("outcome")(OutcomeSectionOutput)


@complaint_hooks.tracking_sections.connect
def outcome_section(complaint, token: str) -> TrackingSection | None:
    return selectors.tracking_outcome(complaint, token)


def _now(timer: Timer) -> datetime:
    """The sweep fires a timer only once it is due: never judge it earlier than its due time."""
    return max(timezone.now(), timer.due_at)


@timer_handlers.register(services.CLAIM_EXPIRY)
def claim_expiry(timer: Timer) -> str:
    return services.claim_expire(timer.target_id, now=_now(timer))


@timer_handlers.register(services.COUNTER_NOTICE_WAIT)
def counter_notice_wait(timer: Timer) -> str:
    return services.counter_notice_wait_ended(timer.target_id, now=_now(timer))


@timer_handlers.register(services.MEASURE_END)
def measure_end(timer: Timer) -> str:
    return services.measure_end(timer.target_id, now=_now(timer))


@timer_handlers.register(services.MISUSE_SUSPENSION_END)
def misuse_suspension_end(timer: Timer) -> str:
    return services.misuse_suspension_end(timer.target_id, now=_now(timer))


demo_seeders.connect(demo.seed_staff)


@staff_pages.connect
def moderation_pages() -> list[StaffPage]:
    return [
        StaffPage("moderation:queue", gettext_lazy("Queue"), services.REVIEWERS, 10),
        StaffPage("moderation:incidents", gettext_lazy("Incidents"), services.REVIEWERS, 20),
        StaffPage("moderation:appeals", gettext_lazy("Appeals"), services.REVIEWERS, 30),
        StaffPage("moderation:deadline-board", gettext_lazy("Deadlines"), services.REVIEWERS, 40),
        StaffPage("moderation:misuse", gettext_lazy("Misuse"), services.SENIORS, 90),
    ]
