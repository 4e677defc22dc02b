from django.apps import AppConfig


class HostPlatformConfig(AppConfig):
    name = "hostplatform"
    verbose_name = "Host platform integration"

    def ready(self) -> None:
        from hostplatform import timers  # noqa: F401  (registers the webhook_retry handler)
