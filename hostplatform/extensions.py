"""What the host-platform adapter adds to the layers below (see takedown.extensions)."""

from __future__ import annotations

from django.utils import timezone

from complaints import hooks as complaint_hooks
from deadlines.models import Timer
from deadlines.registry import timer_handlers
from hostplatform import demo, hooks, measures, platforms, selectors, services
from hostplatform.models import WebhookDelivery
from hostplatform.serializers import PlatformsSectionOutput
from moderation import hooks as moderation_hooks
from takedown.hooks import demo_seeders

complaint_hooks.submitted.connect(platforms.complaint_submitted)
complaint_hooks.submitted_many.connect(platforms.complaints_submitted)
complaint_hooks.tracking_sections.connect(selectors.tracking_section)
complaint_hooks.tracking_section_schemas.register("platforms")(PlatformsSectionOutput)
moderation_hooks.case_panels.connect(selectors.case_panel)
demo_seeders.connect(demo.seed_platforms)

moderation_hooks.measure_taken.connect(measures.measure_taken)
moderation_hooks.measure_lifted.connect(measures.measure_lifted)
moderation_hooks.poster_notified.connect(measures.poster_notified)
hooks.delivery_finished.register(measures.WEBHOOK_APPLY)(measures.item_delivery_finished)
hooks.delivery_finished.register(measures.WEBHOOK_LIFT)(measures.item_delivery_finished)


@timer_handlers.register(services.RETRY_TIMER)
def webhook_retry(timer: Timer) -> str:
    """A delivery's next attempt is due (after a failure, or a publish that was lost)."""
    delivery = WebhookDelivery.objects.select_for_update().filter(pk=timer.target_id).first()
    if delivery is None:
        return "skipped:gone"
    return services.retry_due(delivery, final=bool((timer.payload or {}).get("final")),
                              now=max(timezone.now(), timer.due_at))
