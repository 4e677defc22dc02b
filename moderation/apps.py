from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from audit import preservation
        from complaints import hooks, selectors
        from complaints.management.commands.seed_demo import DEMO_SEEDERS
        from moderation import demo, services, timers  # noqa: F401  (handlers and delivery callbacks)
        from moderation.selectors import tracking_outcome_panel

        selectors.register_public_event(services.Events.DECIDED, _("Decision taken"))
        selectors.register_public_event(services.Events.INFO_REQUESTED, _("We asked you for more information"))
        selectors.register_public_event(services.Events.CLAIMED, _("A moderator started reviewing your report"))
        selectors.register_public_event(services.Events.COUNTER_NOTICE_FORWARDED, _("The poster objected (counter-notice)"))
        selectors.register_public_event(services.Events.COUNTER_NOTICE_LIFTED, _("Measure lifted after the waiting period"))
        selectors.register_public_event(services.Events.COUNTER_NOTICE_KEPT, _("Measure kept: the content is unlawful in itself"))
        selectors.register_public_event(services.Events.COUNTER_NOTICE_PROOF, _("Your proof was received: the case is preserved"))
        selectors.register_public_event(services.Events.APPEAL_FILED, _("Appeal received"))
        selectors.register_public_event(services.Events.APPEAL_UPHELD, _("Appeal decided: decision upheld"))
        selectors.register_public_event(services.Events.APPEAL_REVERSED, _("Appeal decided: decision reversed"))
        selectors.register_tracking_panel("moderation/_tracking_outcome.html", tracking_outcome_panel)
        preservation.register_personal_data_eraser(services.erase_redress_personal_data)
        if services.refuse_if_suspended not in hooks.before_submit:
            hooks.before_submit.append(services.refuse_if_suspended)
        if demo.seed_staff not in DEMO_SEEDERS:
            # First: other apps' demo data (legal requests, referrals) needs the staff accounts.
            DEMO_SEEDERS.insert(0, demo.seed_staff)
