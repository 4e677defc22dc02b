"""Output serializers of the host-platform adapter's read-outs."""

from __future__ import annotations

from rest_framework import serializers


class PlatformItemOutput(serializers.Serializer):
    url = serializers.CharField()
    state = serializers.CharField(help_text="The latest measure's state on the item, or awaiting_decision")


class PlatformProgressOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=["awaiting_decision", "done", "problem", "pending"])
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    items = PlatformItemOutput(many=True)


class OutsideItemOutput(serializers.Serializer):
    url = serializers.CharField()
    site = serializers.CharField()


class PlatformsSectionOutput(serializers.Serializer):
    """``sections.platforms`` of the tracking API: each platform's progress, and the sites outside the group."""

    platforms = PlatformProgressOutput(many=True)
    outside_sites = serializers.ListField(child=serializers.CharField())
    outside = OutsideItemOutput(many=True)
