from django.apps import AppConfig


class HostPlatformConfig(AppConfig):
    name = "hostplatform"
    verbose_name = "Host platform integration"
