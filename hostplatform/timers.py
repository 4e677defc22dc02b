"""Timer handlers of the host-platform adapter (imported by the app's ready())."""

from __future__ import annotations

from django.utils import timezone

from deadlines.models import Timer
from deadlines.registry import timer_handler
from hostplatform import services
from hostplatform.models import WebhookDelivery


@timer_handler(services.RETRY_TIMER)
def webhook_retry(timer: Timer) -> str:
    """A delivery's next attempt is due (after a failure, or a publish that was lost)."""
    delivery = WebhookDelivery.objects.select_for_update().filter(pk=timer.target_id).first()
    if delivery is None:
        return "skipped:gone"
    return services.retry_due(delivery, final=bool((timer.payload or {}).get("final")),
                               now=max(timezone.now(), timer.due_at))
