"""API of the audit log: the signed checkpoint and proofs.

Who may read what:
- the signed checkpoint is public: it reveals only the log's size and root hash, and
  publishing it lets anyone detect a rewritten history (split view);
- proofs are for staff and investigators: they reveal hashes only, but they tie
  indexes to events and serve investigators checking an export against the log.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import selectors
from audit.sequencer import latest_checkpoint, sequence_and_checkpoint
from takedown import roles
from takedown.access import HasRole
from takedown.exceptions import InvalidInput

# A whole number as _int_param reads it (at most 19 digits).
NATURAL = {"type": "integer", "minimum": 0, "maximum": 10**18}
REGISTRARS = (roles.SENIOR_MODERATOR, roles.ADMIN)
HOLDERS = (roles.SENIOR_MODERATOR, roles.ADMIN, roles.INVESTIGATOR)


def _int_param(request, name: str) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        raise InvalidInput(_("Query parameter “%(name)s” is required.") % {"name": name}, fields={name: [_("This parameter is required.")]})
    if not raw.isdigit() or len(raw) > 19:
        raise InvalidInput(_("%(name)s must be a non-negative integer.") % {"name": name}, fields={name: [_("Must be a non-negative integer.")]})
    return int(raw)


# -- the log -------------------------------------------------------------------------


class CheckpointApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "text/plain"): str}, summary="Latest signed checkpoint (C2SP tlog-checkpoint)")
    def get(self, request):
        checkpoint = latest_checkpoint()
        if checkpoint is None:
            checkpoint = sequence_and_checkpoint().checkpoint or latest_checkpoint()
        return HttpResponse(checkpoint.note, content_type="text/plain; charset=utf-8")


class InclusionProofOut(serializers.Serializer):
    index = serializers.IntegerField()
    tree_size = serializers.IntegerField()
    leaf_hash = serializers.CharField()
    proof = serializers.ListField(child=serializers.CharField())


class InclusionProofApi(APIView):
    permission_classes = [HasRole.of(*roles.STAFF_ROLES)]

    @extend_schema(
        parameters=[OpenApiParameter("index", NATURAL, required=True),
                    OpenApiParameter("tree_size", {**NATURAL, "minimum": 1}, required=True)],
        responses=InclusionProofOut,
    )
    def get(self, request):
        index, tree_size = _int_param(request, "index"), _int_param(request, "tree_size")
        leaf, path = selectors.inclusion_proof(index, tree_size)
        return Response(InclusionProofOut({
            "index": index, "tree_size": tree_size, "leaf_hash": leaf.hex(), "proof": [h.hex() for h in path],
        }).data)


class ConsistencyProofOut(serializers.Serializer):
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    proof = serializers.ListField(child=serializers.CharField())


class ConsistencyProofApi(APIView):
    permission_classes = [HasRole.of(*roles.STAFF_ROLES)]

    @extend_schema(
        parameters=[OpenApiParameter("first", NATURAL, required=True), OpenApiParameter("second", NATURAL, required=True)],
        responses=ConsistencyProofOut,
    )
    def get(self, request):
        first, second = _int_param(request, "first"), _int_param(request, "second")
        path = selectors.consistency_proof(first, second)
        return Response(ConsistencyProofOut({"first": first, "second": second, "proof": [h.hex() for h in path]}).data)
