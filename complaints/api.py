"""API adapters of the complaint channel: parse, call the service, render."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiRequest, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import hooks, selectors, services
from complaints.batch import complaint_submit_many
from complaints.models import Message
from complaints.validators import MAX_ITEMS, validate_location, validate_timezone
from complaints.vocabulary import DISCLOSED_KIND_KEYS, HARM_KEYS, Channel, Relationship
from takedown import bodies, roles
from takedown.bodies import BoundedJSONParser
from takedown.exceptions import ErrorCode, InvalidInput, NotFound
from takedown.ratelimit import public_throttle

TEXT_MAX = 20_000
BATCH_MAX = 100


# --- Input ---------------------------------------------------------------------------------


class ComplainantIn(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    def validate_phone(self, value: str) -> str:
        return validate_phone(value)


def validate_phone(value: str) -> str:
    """A loosely written phone number, kept as written if it could be a real number."""
    value = value.strip()
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        raise serializers.ValidationError("Enter a phone number, with the country code if outside China.") from None
    if not phonenumbers.is_possible_number(parsed):
        raise serializers.ValidationError("This phone number has the wrong number of digits.")
    return value


class VictimIn(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    is_minor = serializers.BooleanField(required=False, default=False)


class ItemIn(serializers.Serializer):
    url = serializers.CharField(max_length=2048)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate_url(self, value: str) -> str:
        try:
            return validate_location(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class ComplaintIn(serializers.Serializer):
    complainant = ComplainantIn(required=False)
    relationship = serializers.ChoiceField(choices=Relationship.values, default=Relationship.SELF)
    victim = VictimIn(required=False)
    items = serializers.ListField(child=ItemIn(), max_length=MAX_ITEMS, required=False, default=list)
    disclosed_info = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(DISCLOSED_KIND_KEYS)), max_length=len(DISCLOSED_KIND_KEYS), required=False, default=list
    )
    harms = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(HARM_KEYS)), max_length=len(HARM_KEYS), required=False, default=list
    )
    explanation = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="", trim_whitespace=False)
    evidence_excerpt = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="", trim_whitespace=False)
    good_faith_declaration = serializers.BooleanField(required=False, default=False)
    # en…, zh… in any case and region (en-GB, zh_Hans, ZH-CN); stored as en or zh-hans.
    language = serializers.RegexField(r"^([Ee][Nn]|[Zz][Hh])", max_length=16, required=False, default="en",
                                      error_messages={"invalid": "Use 'en' or 'zh-hans'."})
    timezone = serializers.CharField(max_length=64, required=False, default="UTC")
    client_key = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)

    def validate_language(self, value: str) -> str:
        value = value.lower().replace("_", "-")
        if value.startswith("zh"):
            return "zh-hans"
        if value.startswith("en"):
            return "en"
        raise serializers.ValidationError("Use 'en' or 'zh-hans'.")

    def validate_timezone(self, value: str) -> str:
        return validate_timezone(value)

    def to_input(self) -> services.ComplaintInput:
        return self.input_from(self.validated_data)

    @staticmethod
    def input_from(v: dict[str, Any]) -> services.ComplaintInput:
        """The service's input from validated data (``validated_data`` or ``run_validation``'s)."""
        complainant = v.get("complainant") or {}
        victim = v.get("victim") or {}
        return services.ComplaintInput(
            relationship=v["relationship"],
            complainant_name=complainant.get("name", ""),
            complainant_email=complainant.get("email", ""),
            complainant_phone=complainant.get("phone", ""),
            complainant_id_number=complainant.get("id_number", ""),
            victim_name=victim.get("name", ""),
            victim_is_minor=victim.get("is_minor", False),
            items=[(i["url"], i.get("note", "")) for i in v["items"]],
            disclosed_info=list(v["disclosed_info"]),
            harms=list(v["harms"]),
            explanation=v["explanation"],
            evidence_excerpt=v["evidence_excerpt"],
            good_faith_declaration=v["good_faith_declaration"],
            language=v["language"],
            timezone=v["timezone"],
            client_key=v["client_key"],
        )


class BatchIn(serializers.Serializer):
    complaints = serializers.ListField(child=serializers.DictField(), min_length=1, max_length=BATCH_MAX)


class BatchComplaintIn(ComplaintIn):
    client_key = serializers.CharField(max_length=100, help_text="The filer's own key: a repeat returns the first notice.")


class BatchDocumentedIn(serializers.Serializer):
    """What BatchIn takes, item by item (each item is checked apart, so errors name its index)."""

    complaints = BatchComplaintIn(many=True, min_length=1, max_length=BATCH_MAX)


# --- Output --------------------------------------------------------------------------------


class ReceiptOut(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=["received", "incomplete"])
    missing = serializers.ListField(child=serializers.CharField())
    priority = serializers.ChoiceField(choices=["P0", "P1", "P2"])
    response_due_at = serializers.DateTimeField(allow_null=True)
    tracking_url = serializers.CharField(allow_null=True)


def receipt(submission: services.Submission) -> dict[str, Any]:
    c = submission.complaint
    return {
        "reference": c.reference,
        "status": c.status,
        "missing": list(c.missing),
        "priority": c.priority,
        "response_due_at": c.response_due_at.isoformat().replace("+00:00", "Z") if c.response_due_at else None,
        "tracking_url": submission.tracking_url,
    }


# --- Multipart -----------------------------------------------------------------------------

_KEY_PART = re.compile(r"[^.\[\]]+")


def _unflatten(form: QueryDict, file_keys: set[str]) -> dict[str, Any]:
    """Nested data from multipart fields: either one JSON part named ``payload``, or
    dotted/bracketed names (``complainant.name``, ``items[0][url]``, repeated ``harms``)."""
    if "payload" in form:
        try:
            data = bodies.loads(form["payload"])
        except ValueError:
            raise InvalidInput(_("The 'payload' part is not valid JSON."), code=ErrorCode.MALFORMED) from None
        if not isinstance(data, dict):
            raise InvalidInput(_("The 'payload' part must be a JSON object."), code=ErrorCode.MALFORMED)
        return data
    result: dict[str, Any] = {}
    list_fields = {"disclosed_info", "harms"}
    for key in form:
        if key in file_keys:
            continue
        if key in list_fields:
            result[key] = form.getlist(key)
            continue
        parts = _KEY_PART.findall(key)
        if not parts:
            continue
        node: Any = result
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            index = int(part) if part.isdigit() and int(part) < MAX_ITEMS + 1 else None
            if index is not None:
                if not isinstance(node, list):
                    raise InvalidInput(_("Field “%(key)s” mixes lists and objects.") % {"key": key}, code=ErrorCode.MALFORMED)
                while len(node) <= index:
                    node.append({})
                if last:
                    node[index] = form[key]
                else:
                    node = node[index]
                continue
            if not isinstance(node, dict):
                raise InvalidInput(_("Field “%(key)s” mixes lists and objects.") % {"key": key}, code=ErrorCode.MALFORMED)
            if last:
                node[part] = form[key]
            else:
                nxt = parts[i + 1]
                node = node.setdefault(part, [] if nxt.isdigit() else {})
    return result


def _files(request: Request) -> list[services.UploadedEvidence]:
    uploads = request.FILES.getlist("evidence") if hasattr(request.FILES, "getlist") else []
    return [services.UploadedEvidence(name=f.name or "evidence", data=f.read()) for f in uploads]


def _body(request: Request) -> Any:
    data = request.data
    if isinstance(data, QueryDict):
        if "evidence" in data and "evidence" not in request.FILES:
            raise InvalidInput(_("Evidence parts must be files."), fields={"evidence": [_("Send each file as a file part.")]})
        return _unflatten(data, set(request.FILES))
    return data


class ComplaintUploadIn(serializers.Serializer):
    """The multipart form of a complaint: the complaint as one JSON part, and its files."""

    payload = ComplaintIn(required=False, help_text=(
        "The complaint, as in the JSON form (a part of type application/json); or, instead, one part per "
        "field with dotted names (`complainant.name`, `items[0][url]`)."))
    evidence = serializers.ListField(child=serializers.FileField(), required=False,
                                     help_text="Image or PDF files, one `evidence` part each.")


COMPLAINT_UPLOAD = OpenApiRequest(ComplaintUploadIn, encoding={"payload": {"contentType": "application/json"}})


# --- Views ---------------------------------------------------------------------------------


class ComplaintCreateApi(APIView):
    """``POST /api/v1/complaints/``: anyone may file; a token identifies trusted flaggers."""

    permission_classes = [AllowAny]
    parser_classes = [BoundedJSONParser, MultiPartParser]
    throttle_classes = [public_throttle("public_intake")]

    @extend_schema(
        request={"application/json": ComplaintIn, "multipart/form-data": COMPLAINT_UPLOAD},
        responses={201: ReceiptOut, 200: ReceiptOut},
        summary="File a complaint",
        description=(
            "JSON, or multipart with evidence files in repeated `evidence` parts and the body either as "
            "a JSON `payload` part or as dotted field names. Incomplete notices are stored with "
            "status `incomplete` and the list of what is `missing`."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = ComplaintIn(data=_body(request))
        serializer.is_valid(raise_exception=True)
        submitter = request.user if request.user.is_authenticated else None
        submission = services.complaint_submit(
            data=serializer.to_input(),
            files=_files(request),
            channel=Channel.API,
            submitter=submitter,
        )
        return Response(ReceiptOut(receipt(submission)).data,
                        status=status.HTTP_201_CREATED if submission.created else 200)


class IsTrustedSubmitter(BasePermission):
    message = "Only trusted flaggers and authorities may file in bulk."

    def has_permission(self, request, view) -> bool:  # type: ignore[override]
        return roles.has_role(request.user, roles.TRUSTED_FLAGGER, roles.AUTHORITY)


class BatchResult(serializers.Serializer):
    index = serializers.IntegerField()
    client_key = serializers.CharField()
    created = serializers.BooleanField()
    reference = serializers.CharField()
    status = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())
    priority = serializers.CharField()
    response_due_at = serializers.DateTimeField(allow_null=True)
    tracking_url = serializers.CharField(allow_null=True)


class BatchOut(serializers.Serializer):
    results = BatchResult(many=True)


class ComplaintBatchApi(APIView):
    """``POST /api/v1/complaints/batch/``: up to 100 notices, idempotent per ``client_key``."""

    permission_classes = [IsTrustedSubmitter]
    parser_classes = [BoundedJSONParser]
    # Authenticated callers count against their token's budget (ratelimit "token" scope).
    throttle_classes = [public_throttle("public_intake")]

    @extend_schema(
        request=BatchDocumentedIn,
        responses={
            201: BatchOut,
            200: OpenApiResponse(BatchOut, description="Every notice was a repeat of an earlier one."),
        },
        summary="File up to 100 complaints at once",
        description=(
            "Every notice needs a `client_key`; a repeated key returns the notice first filed under it "
            "(`created: false`, no tracking URL), so a batch can be retried safely. The batch is checked "
            "whole before anything is stored."
        ),
    )
    def post(self, request: Request) -> Response:
        envelope = BatchIn(data=request.data)
        envelope.is_valid(raise_exception=True)
        # One serializer for the whole batch: its fields are built once, not per notice.
        checker = ComplaintIn()
        parsed: list[dict[str, Any]] = []
        errors: dict[str, Any] = {}
        keys = []
        for index, raw in enumerate(envelope.validated_data["complaints"]):
            keys.append(raw.get("client_key"))
            try:
                value = checker.run_validation(raw)
            except serializers.ValidationError as exc:
                errors[str(index)] = exc.detail
                continue
            if not value["client_key"]:
                errors[str(index)] = {"client_key": ["Required for batch filing."]}
            parsed.append(value)
        duplicates = {k for k in keys if k and keys.count(k) > 1}
        if duplicates:
            errors["client_key"] = [f"Repeated in this batch: {', '.join(sorted(duplicates))}."]
        if errors:
            raise serializers.ValidationError({"complaints": errors})
        submissions = complaint_submit_many(
            data=[ComplaintIn.input_from(item) for item in parsed], channel=Channel.BATCH, submitter=request.user
        )
        results = [
            {"index": index, "client_key": item["client_key"], "created": submission.created}
            | receipt(submission)
            for index, (item, submission) in enumerate(zip(parsed, submissions, strict=True))
        ]
        created = any(r["created"] for r in results)
        return Response(BatchOut({"results": results}).data, status=201 if created else 200)


class TrackingEvidenceIn(serializers.Serializer):
    excerpt = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    evidence = serializers.ListField(child=serializers.FileField(), required=False,
                                     help_text="Image or PDF files, one `evidence` part each.")


class TrackingMessageIn(serializers.Serializer):
    body = serializers.CharField(max_length=5000)


def _tracked(token: str):
    complaint = services.complaint_by_token(token)
    if complaint is None:
        raise NotFound(_("No report matches this tracking link."))
    return complaint


class TrackingItemOutput(serializers.Serializer):
    url = serializers.CharField()
    note = serializers.CharField()


class TrackingEvidenceOutput(serializers.Serializer):
    name = serializers.CharField()
    sha256 = serializers.CharField()
    content_type = serializers.CharField()
    received_at = serializers.DateTimeField()


class TrackingEventOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    code = serializers.CharField()
    label = serializers.CharField()


# "from" is a keyword: the class is built from a dict of its fields, in this order.
TrackingMessageOutput = type("TrackingMessageOutput", (serializers.Serializer,), {
    "__module__": __name__,
    "at": serializers.DateTimeField(),
    "from": serializers.ChoiceField(choices=Message.Author.values, help_text="Who wrote it"),
    "from_label": serializers.CharField(),
    "body": serializers.CharField(),
})


class TrackingSectionsField(serializers.Field):
    """The sections higher layers add, by key; each is rendered (and documented) by the
    serializer its layer registers in ``hooks.tracking_section_schemas``."""

    def to_representation(self, sections: dict[str, dict[str, Any]]) -> dict[str, Any]:
        rendered = {}
        for key, data in sections.items():
            serializer = hooks.tracking_section_schemas.get(key)
            if serializer is None:
                raise LookupError(f"tracking section {key!r} has no registered schema")
            rendered[key] = serializer(data).data
        return rendered


class TrackingSectionsFieldSchema(OpenApiSerializerFieldExtension):
    target_class = TrackingSectionsField

    def map_serializer_field(self, auto_schema, direction):
        keys = hooks.tracking_section_schemas.keys()
        return {
            "type": "object",
            "description": "Present when they apply to this complaint.",
            "properties": {
                key: auto_schema.resolve_serializer(hooks.tracking_section_schemas.get(key), direction).ref
                for key in keys
            },
            "additionalProperties": False,
        }


class TrackingOutput(serializers.Serializer):
    """The complainant's view of their complaint: no staff identities."""

    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    priority = serializers.CharField()
    priority_label = serializers.CharField()
    received_at = serializers.DateTimeField()
    response_due_at = serializers.DateTimeField(allow_null=True)
    missing = serializers.ListField(child=serializers.CharField())
    missing_labels = serializers.ListField(child=serializers.CharField(), help_text="`missing`, in words, in order")
    items = TrackingItemOutput(many=True)
    evidence = TrackingEvidenceOutput(many=True)
    evidence_excerpt = serializers.CharField(help_text="The text the complainant quoted")
    timeline = TrackingEventOutput(many=True)
    messages = TrackingMessageOutput(many=True)
    sections = TrackingSectionsField()


def tracking_body(complaint, token: str) -> dict[str, Any]:
    return TrackingOutput(selectors.tracking_status(complaint, selectors.tracking_sections(complaint, token))).data


class TrackingApi(APIView):
    """``GET /api/v1/track/<token>/``: the complainant's view. No staff identities."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [public_throttle("public_track")]

    @extend_schema(
        responses={200: OpenApiResponse(TrackingOutput, description="Status, missing elements, timeline and messages.")},
        summary="Status of a complaint, by its tracking token",
    )
    def get(self, request: Request, token: str) -> Response:
        return Response(tracking_body(_tracked(token), token))


class TrackingEvidenceApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [MultiPartParser, BoundedJSONParser]
    throttle_classes = [public_throttle("public_intake")]

    @extend_schema(request={"multipart/form-data": TrackingEvidenceIn}, responses={201: TrackingOutput},
                   summary="Add evidence to a complaint")
    def post(self, request: Request, token: str) -> Response:
        complaint = _tracked(token)
        serializer = TrackingEvidenceIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.complaint_add_evidence(
            complaint=complaint, files=_files(request), excerpt=serializer.validated_data["excerpt"]
        )
        complaint.refresh_from_db()
        return Response(tracking_body(complaint, token), status=201)


class TrackingMessageApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [public_throttle("public_intake")]

    @extend_schema(request=TrackingMessageIn, responses={201: TrackingOutput}, summary="Send a message")
    def post(self, request: Request, token: str) -> Response:
        complaint = _tracked(token)
        serializer = TrackingMessageIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.complaint_add_message(complaint=complaint, body=serializer.validated_data["body"])
        return Response(tracking_body(complaint, token), status=201)
