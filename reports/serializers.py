"""Output serializers of the reports app's read-outs (the API's own are in ``api``)."""

from __future__ import annotations

from rest_framework import serializers


class EvidencePackSectionOutput(serializers.Serializer):
    """``sections.evidence_pack`` of the tracking API: where the complainant downloads the evidence pack."""

    download_url = serializers.CharField()
