"""What the prevention app adds to the layers below (see takedown.extensions)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from complaints import hooks as complaint_hooks
from complaints.models import Complaint
from deadlines.models import Timer
from deadlines.registry import timer_handlers
from moderation import hooks as moderation_hooks
from moderation.models import Measure
from prevention import demo, detectors, interventions, selectors, staydown
from prevention.serializers import ProtectionSectionOutput
from takedown.hooks import demo_seeders, staff_pages
from takedown.navigation import StaffPage

# Removed information is kept down: re-posts of it are caught when screened.
STAYDOWN_MEASURES = (Measure.REMOVE, Measure.DISABLE)


@moderation_hooks.measure_taken.connect
def keep_removed_values_down(decision, items, *, actor: str) -> None:
    if decision.measure in STAYDOWN_MEASURES:
        staydown.record_removed_values(decision, actor=actor)


@moderation_hooks.measure_lifted.connect
def release_removed_values(decision, items, *, actor: str, reason: str) -> None:
    if decision.measure in STAYDOWN_MEASURES:
        staydown.release_removed_values(decision, actor=actor, reason=reason)


@moderation_hooks.related_cases.connect
def cases_with_the_same_value(complaint: Complaint, limit: int) -> dict[int, str]:
    """Cases in which a value this notice quotes was already removed."""
    references = set(staydown.staydown_matches(sorted(staydown.values_in_complaint(complaint))).values())
    found = {}
    for reference in references:
        parsed = Complaint.pk_from_reference(reference)
        if parsed:
            found[parsed[1]] = "same_value"
    return found


complaint_hooks.tracking_sections.connect(selectors.protection_section)
complaint_hooks.tracking_section_schemas.register("protection")(ProtectionSectionOutput)


@complaint_hooks.personal_data_finders.connect
def detected_personal_data(text: str, names: list[str]) -> list[tuple[int, int, str]]:
    """The screening detectors, with the case's own names as protected names."""
    return [(f.start, f.end, f.type) for f in detectors.scan(text, protected_names=names)]


@timer_handlers.register(interventions.EXPIRY_TIMER)
def expire_intervention(timer: Timer) -> str:
    # Runs inside the sweep's transaction; intervention_expire re-reads and locks the
    # intervention and does nothing if it already ended or was extended. The timer is
    # due, so its due time has been reached even if this clock lags the sweep's.
    return interventions.intervention_expire(timer.target_id, now=max(timezone.now(), timer.due_at))


demo_seeders.connect(demo.seed_demo_prevention)


@staff_pages.connect
def prevention_pages() -> list[StaffPage]:
    from prevention.views import READERS

    return [StaffPage("prevention-alerts", gettext_lazy("Alerts"), READERS, 50)]
