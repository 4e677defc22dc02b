from django.apps import AppConfig


class TakedownConfig(AppConfig):
    name = "takedown"
    verbose_name = "Takedown desk"

    def ready(self) -> None:
        from takedown import extensions

        # Every app's extension points and what connects to them, in layer order.
        extensions.load()
