from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from complaints import hooks
        from complaints.management.commands.seed_demo import DEMO_SEEDERS
        from complaints.selectors import register_public_event, register_tracking_panel
        from reports import intake
        from reports.demo import seed_reports_demo
        from reports.evidence_pack import tracking_panel_context

        if intake.on_submitted not in hooks.on_submitted:
            hooks.on_submitted.append(intake.on_submitted)
        if intake.on_complainant_activity not in hooks.on_complainant_activity:
            hooks.on_complainant_activity.append(intake.on_complainant_activity)
        register_tracking_panel("reports/_evidence_pack_panel.html", tracking_panel_context)
        register_public_event("evidence_pack.downloaded", _("Evidence pack downloaded"))
        if seed_reports_demo not in DEMO_SEEDERS:
            DEMO_SEEDERS.append(seed_reports_demo)
