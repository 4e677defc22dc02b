"""API of preservation: legal requests, holds, exports, and the case record investigators see.

Who may do what:
- legal requests are registered by senior moderators and admins; investigators see
  those they are named on, and through them only the covered cases;
- holds are placed by senior moderators and admins (and by an investigator on cases
  of their live request); exports are requested by investigators.
"""

from __future__ import annotations

from django.db import transaction
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import actors
from complaints.selectors import complaint_by_reference
from preservation import events, exports, holds, legal
from preservation.models import Export, LegalHold, LegalRequest
from preservation.records import (
    case_events,
    complaint_record,
    evidence_records,
    item_records,
    message_records,
)
from takedown import roles
from takedown.access import HasRole
from takedown.exceptions import Forbidden, NotFound, Unprocessable

REGISTRARS = (roles.SENIOR_MODERATOR, roles.ADMIN)
HOLDERS = (roles.SENIOR_MODERATOR, roles.ADMIN, roles.INVESTIGATOR)


# -- legal requests ------------------------------------------------------------------


class LegalRequestIn(serializers.Serializer):
    authority = serializers.CharField(max_length=200)
    reference_number = serializers.CharField(max_length=100)
    legal_basis = serializers.CharField(max_length=4000)
    scope_references = serializers.ListField(child=serializers.CharField(max_length=32), max_length=500, required=False, default=list)
    scope_victim = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    deadline = serializers.DateTimeField(required=False, allow_null=True, default=None)
    requesting_officer = serializers.CharField(max_length=200)
    expires_at = serializers.DateTimeField()
    investigators = serializers.ListField(child=serializers.CharField(max_length=150), max_length=50, required=False, default=list)


class LegalRequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    authority = serializers.CharField()
    reference_number = serializers.CharField()
    legal_basis = serializers.CharField()
    requesting_officer = serializers.CharField()
    deadline = serializers.DateTimeField(allow_null=True)
    registered_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    live = serializers.BooleanField()
    cases = serializers.ListField(child=serializers.CharField())
    investigators = serializers.ListField(child=serializers.CharField())


def legal_request_out(request: LegalRequest) -> dict:
    return {
        "id": request.pk,
        "authority": request.authority,
        "reference_number": request.reference_number,
        "legal_basis": request.legal_basis,
        "requesting_officer": request.requesting_officer,
        "deadline": request.deadline,
        "registered_at": request.registered_at,
        "expires_at": request.expires_at,
        "live": request.is_live(),
        "cases": [c.reference for c in request.complaints.order_by("pk")],
        "investigators": [u.get_username() for u in request.investigators.order_by("pk")],
    }


def visible_request(user, request_id: int) -> LegalRequest:
    """A request the user may open: registrars see all; investigators their own live ones."""
    request = LegalRequest.objects.filter(pk=request_id).first()
    if request is not None:
        if roles.has_role(user, *REGISTRARS):
            return request
        if request.is_live() and request.investigators.filter(pk=user.pk).exists():
            return request
    raise NotFound(_("No such legal request."))


class LegalRequestListApi(APIView):
    permission_classes = [HasRole.of(*REGISTRARS, roles.INVESTIGATOR)]

    @extend_schema(responses=LegalRequestOut(many=True))
    def get(self, request):
        if roles.has_role(request.user, *REGISTRARS):
            rows = LegalRequest.objects.order_by("-registered_at")[:200]
        else:
            rows = legal.live_requests_for(request.user).order_by("-registered_at")
        return Response(LegalRequestOut([legal_request_out(r) for r in rows], many=True).data)

    @extend_schema(request=LegalRequestIn, responses={201: LegalRequestOut})
    def post(self, request):
        if not roles.has_role(request.user, *REGISTRARS):
            raise Forbidden(_("Only senior moderators and admins register legal requests."))
        data = LegalRequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        from django.contrib.auth import get_user_model

        users = list(get_user_model().objects.filter(username__in=v["investigators"]))
        unknown = sorted(set(v["investigators"]) - {u.get_username() for u in users})
        if unknown:
            raise Unprocessable(_("Unknown investigator accounts."), fields={"investigators": [f"Unknown: {u}" for u in unknown]})
        created = legal.register_legal_request(
            actor_user=request.user,
            authority=v["authority"],
            reference_number=v["reference_number"],
            legal_basis=v["legal_basis"],
            scope_references=v["scope_references"],
            scope_victim=v["scope_victim"],
            deadline=v["deadline"],
            requesting_officer=v["requesting_officer"],
            expires_at=v["expires_at"],
            investigators=users,
        )
        return Response(LegalRequestOut(legal_request_out(created)).data, status=status.HTTP_201_CREATED)


class LegalRequestDetailApi(APIView):
    permission_classes = [HasRole.of(*REGISTRARS, roles.INVESTIGATOR)]

    @extend_schema(responses=LegalRequestOut)
    def get(self, request, pk: int):
        return Response(LegalRequestOut(legal_request_out(visible_request(request.user, pk))).data)


class LegalRequestRevokeApi(APIView):
    """End an investigator's access before the expiry (the authority withdrew the request)."""

    permission_classes = [HasRole.of(*REGISTRARS)]

    @extend_schema(request=None, responses=LegalRequestOut)
    def post(self, request, pk: int):
        found = LegalRequest.objects.filter(pk=pk).first()
        if found is None:
            raise NotFound(_("No such legal request."))
        revoked = legal.revoke_legal_request(found, actor_user=request.user)
        return Response(LegalRequestOut(legal_request_out(revoked)).data)


def case_for_investigator(user, request_id: int, reference: str):
    """The case, if it is in a live request the user may open and they may see it."""
    legal_request = visible_request(user, request_id)
    complaint = complaint_by_reference(reference)
    if complaint is None or not legal_request.complaints.filter(pk=complaint.pk).exists():
        raise NotFound(_("No such case in this legal request."))
    if roles.has_role(user, roles.INVESTIGATOR) and not roles.has_role(user, *REGISTRARS):
        if not legal.investigator_can_see(user, complaint):
            raise NotFound(_("No such case in this legal request."))
    return legal_request, complaint


def record_case_view(user, legal_request: LegalRequest, complaint, channel: str) -> None:
    with transaction.atomic():
        events.case_record_viewed(actor=actors.for_user(user), legal_request=legal_request, complaint=complaint,
                                  channel=channel)


class CaseEventOut(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = serializers.CharField()
    code = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    details = serializers.DictField(
        child=serializers.JSONField(),
        help_text="What the event records; the keys depend on the code (the audit log's own record)",
    )
    log_index = serializers.IntegerField(allow_null=True)


def timestamp(**kwargs) -> serializers.CharField:
    return serializers.CharField(help_text="UTC, as the audit log writes times", **kwargs)


def strings() -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField())


class RecordComplainantOut(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    id_number = serializers.CharField()
    anonymous = serializers.BooleanField()


class ComplaintRecordOut(serializers.Serializer):
    """The complaint as preserved (``records.complaint_record``), with the complainant's details."""

    reference = serializers.CharField()
    id = serializers.IntegerField()
    status = serializers.CharField()
    channel = serializers.CharField()
    source = serializers.CharField()
    relationship = serializers.CharField()
    complainant = RecordComplainantOut()
    victim_name = serializers.CharField()
    victim_is_minor = serializers.BooleanField()
    disclosed_info = strings()
    harms = strings()
    explanation = serializers.CharField()
    evidence_excerpt = serializers.CharField()
    good_faith_declaration = serializers.BooleanField()
    language = serializers.CharField()
    timezone = serializers.CharField()
    priority = serializers.CharField()
    threat_to_life = serializers.BooleanField()
    policy_version = serializers.IntegerField(allow_null=True)
    received_at = timestamp()
    valid_at = timestamp(allow_null=True)
    response_due_at = timestamp(allow_null=True)


class ItemRecordOut(serializers.Serializer):
    position = serializers.IntegerField()
    url = serializers.CharField()
    note = serializers.CharField()


class EvidenceRecordOut(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    received_at = timestamp()
    file_present = serializers.BooleanField(help_text="False once the file is erased")


class MessageRecordOut(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField()
    body = serializers.CharField()
    created_at = timestamp()


class CaseRecordOut(serializers.Serializer):
    complaint = ComplaintRecordOut()
    items = ItemRecordOut(many=True)
    evidence = EvidenceRecordOut(many=True)
    messages = MessageRecordOut(many=True)
    events = CaseEventOut(many=True)


class CaseRecordApi(APIView):
    """A covered case's full record and its audit events, for investigators."""

    permission_classes = [HasRole.of(*REGISTRARS, roles.INVESTIGATOR)]

    @extend_schema(responses=CaseRecordOut)
    def get(self, request, pk: int, reference: str):
        legal_request, complaint = case_for_investigator(request.user, pk, reference)
        record_case_view(request.user, legal_request, complaint, "api")
        events = [
            {
                "id": e.pk,
                "created_at": e.created_at,
                "actor": e.actor,
                "code": e.code,
                "target_type": e.target_type,
                "target_id": e.target_id,
                "details": e.details,
                "log_index": getattr(getattr(e, "log_entry", None), "index", None),
            }
            for e in case_events([complaint.pk]).select_related("log_entry")
        ]
        return Response(
            CaseRecordOut({
                "complaint": complaint_record(complaint),
                "items": item_records(complaint),
                "evidence": evidence_records(complaint),
                "messages": message_records(complaint),
                "events": events,
            }).data
        )


# -- holds ---------------------------------------------------------------------------


class HoldIn(serializers.Serializer):
    cases = serializers.ListField(child=serializers.CharField(max_length=32), min_length=1, max_length=500)
    reason = serializers.CharField(max_length=4000)
    legal_request = serializers.IntegerField(required=False, allow_null=True, default=None)


class HoldOut(serializers.Serializer):
    id = serializers.IntegerField()
    cases = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()
    placed_by = serializers.CharField()
    placed_at = serializers.DateTimeField()
    released_at = serializers.DateTimeField(allow_null=True)
    manifest_sha256 = serializers.CharField()
    legal_request = serializers.IntegerField(allow_null=True)


def hold_out(hold: LegalHold) -> dict:
    return {
        "id": hold.pk,
        "cases": [c.reference for c in hold.complaints.order_by("pk")],
        "reason": hold.reason,
        "placed_by": hold.placed_by,
        "placed_at": hold.placed_at,
        "released_at": hold.released_at,
        "manifest_sha256": hold.manifest_sha256,
        "legal_request": hold.legal_request_id,
    }


def hold_create(user, *, references: list[str], reason: str, legal_request_id: int | None) -> LegalHold:
    """Shared by the API and the staff page: resolve cases, check the user may hold them."""
    complaints, unknown = [], []
    for reference in references:
        complaint = complaint_by_reference(reference.strip())
        (complaints if complaint else unknown).append(complaint or reference)
    if unknown:
        raise NotFound(_("Some cases do not exist."), fields={"cases": [f"Unknown case: {r}" for r in unknown]})
    legal_request = visible_request(user, legal_request_id) if legal_request_id else None
    if not roles.has_role(user, *REGISTRARS):
        outside = [c.reference for c in complaints if not legal.investigator_can_see(user, c)]
        if outside:
            raise Forbidden(_("You may hold only cases of your live legal requests."))
    return holds.place_hold(complaints=complaints, reason=reason, actor=actors.for_user(user), legal_request=legal_request)


class HoldListApi(APIView):
    permission_classes = [HasRole.of(*HOLDERS)]

    @extend_schema(request=HoldIn, responses={201: HoldOut})
    def post(self, request):
        data = HoldIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        hold = hold_create(request.user, references=v["cases"], reason=v["reason"], legal_request_id=v["legal_request"])
        return Response(HoldOut(hold_out(hold)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=HoldOut(many=True))
    def get(self, request):
        if not roles.has_role(request.user, *REGISTRARS):
            raise Forbidden(_("Only senior moderators and admins list holds."))
        rows = LegalHold.objects.order_by("-placed_at")[:200]
        return Response(HoldOut([hold_out(h) for h in rows], many=True).data)


class HoldReleaseApi(APIView):
    permission_classes = [HasRole.of(*REGISTRARS)]

    @extend_schema(request=None, responses=HoldOut)
    def post(self, request, pk: int):
        hold = LegalHold.objects.filter(pk=pk).first()
        if hold is None:
            raise NotFound(_("No such hold."))
        hold = holds.release_hold(hold, actor=actors.for_user(request.user))
        return Response(HoldOut(hold_out(hold)).data)


# -- exports -------------------------------------------------------------------------


class ExportIn(serializers.Serializer):
    legal_request = serializers.IntegerField()
    cases = serializers.ListField(child=serializers.CharField(max_length=32), required=False, default=list, max_length=500)


class ExportOut(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=Export.State.values)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    legal_request = serializers.IntegerField()
    cases = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    size = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(allow_blank=True)
    event_count = serializers.IntegerField(allow_null=True)
    tree_size = serializers.IntegerField(allow_null=True)
    download_url = serializers.CharField(allow_null=True)
    download_expires_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField(allow_blank=True)


def export_out(export: Export, request) -> dict:
    from django.utils import timezone

    url = expires = None
    if export.state == Export.State.DONE:
        token = exports.download_token(export)
        url = request.build_absolute_uri(reverse("api-export-download", args=[export.pk]) + f"?token={token}")
        expires = timezone.now() + exports.link_lifetime()
    return {
        "id": export.pk,
        "state": export.state,
        "progress": export.progress,
        "legal_request": export.legal_request_id,
        "cases": [c.reference for c in export.complaints.order_by("pk")],
        "created_at": export.created_at,
        "finished_at": export.finished_at,
        "size": export.size,
        "sha256": export.sha256,
        "event_count": export.event_count,
        "tree_size": export.tree_size,
        "download_url": url,
        "download_expires_at": expires,
        "error": "The export failed; ask an administrator." if export.state == Export.State.FAILED else "",
    }


class ExportListApi(APIView):
    permission_classes = [HasRole.of(roles.INVESTIGATOR, roles.ADMIN)]

    @extend_schema(request=ExportIn, responses={202: ExportOut})
    def post(self, request):
        data = ExportIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        legal_request = LegalRequest.objects.filter(pk=v["legal_request"]).first()
        if legal_request is None:
            raise NotFound(_("No such legal request."))
        export = exports.export_request(user=request.user, legal_request=legal_request, references=v["cases"])
        export.refresh_from_db()
        return Response(ExportOut(export_out(export, request)).data, status=status.HTTP_202_ACCEPTED)


class ExportDetailApi(APIView):
    permission_classes = [HasRole.of(roles.INVESTIGATOR, roles.ADMIN)]

    @extend_schema(responses=ExportOut)
    def get(self, request, pk: int):
        export = exports.export_for(request.user, pk)
        return Response(ExportOut(export_out(export, request)).data)


class ExportDownloadApi(APIView):
    permission_classes = [HasRole.of(roles.INVESTIGATOR)]

    @extend_schema(parameters=[OpenApiParameter("token", str, required=True)], responses={(200, "application/zip"): bytes})
    def get(self, request, pk: int):
        export = exports.export_for(request.user, pk)
        path = exports.check_download(export, request.query_params.get("token", ""), request.user)
        exports.record_download(export, request.user)
        return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name, content_type="application/zip")
