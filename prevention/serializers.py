"""Output serializers of the special preventive duty's read-outs (the API's own are in ``api``)."""

from __future__ import annotations

from rest_framework import serializers


class ProtectionSectionOutput(serializers.Serializer):
    """``sections.protection`` of the tracking API: the one-click protection on offer, and whether it is on."""

    active = serializers.BooleanField()
    until = serializers.DateTimeField(allow_null=True)
    restriction_keys = serializers.ListField(child=serializers.CharField())
    restrictions = serializers.ListField(child=serializers.CharField(), help_text="The restrictions, in words")
    days = serializers.IntegerField(help_text="How long a protection lasts")
