from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from celery.signals import task_postrun
        from django.core.signals import request_finished
        from django.db.backends.signals import connection_created

        from audit import timers  # noqa: F401  (registers the retention handler)
        from audit.enforcement import register_sqlite_functions
        from audit.preservation import flush_refusals

        request_finished.connect(flush_refusals, dispatch_uid="audit.flush_refusals")
        task_postrun.connect(flush_refusals, dispatch_uid="audit.flush_refusals.task", weak=False)
        connection_created.connect(register_sqlite_functions, dispatch_uid="audit.sqlite_functions")

        from audit.demo import seed_audit_demo
        from complaints.management.commands.seed_demo import DEMO_SEEDERS

        if seed_audit_demo not in DEMO_SEEDERS:
            DEMO_SEEDERS.append(seed_audit_demo)
