from django.apps import AppConfig


class TakedownConfig(AppConfig):
    name = "takedown"
    verbose_name = "Takedown desk"

    def ready(self) -> None:
        from takedown import extensions

        # Every app's extension points and what connects to them, in layer order.
        extensions.load()
        _strict_strings()


def _strict_strings() -> None:
    """A string field of the API takes a JSON string, as the OpenAPI document says: REST
    framework would also take a number (``0`` as ``"0"``). Forms send only strings anyway.
    Patched once, at start-up, on REST framework's own fields."""
    from rest_framework import serializers

    lenient = serializers.CharField.to_internal_value
    if getattr(lenient, "strict", False):
        return

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return lenient(self, data)

    to_internal_value.strict = True  # type: ignore[attr-defined]
    serializers.CharField.to_internal_value = to_internal_value

    # Likewise a boolean is true or false (or a form's "true"/"false"), never 0 or 1.
    lenient_bool = serializers.BooleanField.to_internal_value

    def bool_to_internal_value(self, data):
        if not isinstance(data, (bool, str)):
            self.fail("invalid", input=data)
        return lenient_bool(self, data)

    serializers.BooleanField.to_internal_value = bool_to_internal_value
