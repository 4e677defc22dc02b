from django.apps import AppConfig


class PreservationConfig(AppConfig):
    name = "preservation"
    verbose_name = "Preservation: legal requests, holds, exports, retention"

    def ready(self) -> None:
        from celery.signals import task_postrun
        from django.core.signals import request_finished

        from preservation.holds import flush_refusals

        # Refusals recorded inside a caller's SQLite transaction are written once the
        # request or task is over (see preservation.holds).
        request_finished.connect(flush_refusals, dispatch_uid="preservation.flush_refusals")
        task_postrun.connect(flush_refusals, dispatch_uid="preservation.flush_refusals.task", weak=False)
