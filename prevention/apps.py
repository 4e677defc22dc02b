from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "prevention"
    verbose_name = "Prevention"

    def ready(self) -> None:
        from complaints.management.commands.seed_demo import DEMO_SEEDERS
        from complaints.selectors import register_public_event, register_tracking_panel
        from prevention import timers  # noqa: F401  (registers the intervention_expiry handler)
        from prevention.demo import seed_demo_prevention
        from prevention.views import protection_panel

        register_tracking_panel("prevention/_protection_panel.html", protection_panel)
        register_public_event(
            "protection.activated",
            _("Protection turned on: strangers' messages, comments and reposts are restricted"),
        )
        register_public_event("protection.ended", _("Protection ended"))
        if seed_demo_prevention not in DEMO_SEEDERS:
            DEMO_SEEDERS.append(seed_demo_prevention)
