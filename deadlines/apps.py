from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = "Deadlines and timers"

    def ready(self) -> None:
        from complaints import hooks
        from complaints.management.commands.seed_demo import DEMO_SEEDERS
        from complaints.selectors import register_public_event
        from deadlines import clock, handlers  # noqa: F401  (registers the response timer handlers)
        from deadlines.demo import seed_demo_deadlines
        from deadlines.services import Events

        if clock.resume_on_complainant_activity not in hooks.on_complainant_activity:
            hooks.on_complainant_activity.append(clock.resume_on_complainant_activity)
        register_public_event(Events.PAUSED, _("Waiting for your reply: the response time is stopped"))
        register_public_event(Events.RESUMED, _("Reply received: the review continues"))
        if seed_demo_deadlines not in DEMO_SEEDERS:
            DEMO_SEEDERS.append(seed_demo_deadlines)
