"""The admin API of the group's platforms: ``/api/v1/platforms/`` (list, create, update).

Secrets and tokens are never shown here except once, in the answer that creates them.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import actors
from hostplatform import platforms
from hostplatform.models import Platform
from takedown import roles
from takedown.access import HasRole
from takedown.exceptions import NotFound

Admins = HasRole.of(roles.ADMIN)


class PlatformOut(serializers.ModelSerializer):
    domains = serializers.ListField(child=serializers.CharField(), help_text="Host suffixes it owns")
    content_id_prefixes = serializers.ListField(child=serializers.CharField(), help_text="forum owns forum:123")
    languages = serializers.ListField(child=serializers.CharField())
    active_secrets = serializers.SerializerMethodField(help_text="How many signing secrets are active")

    class Meta:
        model = Platform
        fields = ["id", "slug", "name", "domains", "content_id_prefixes", "languages", "webhook_url",
                  "dsa_platform_id", "shares_staydown", "shares_signals", "is_default", "active", "active_secrets"]

    def get_active_secrets(self, platform: Platform) -> int:
        return len(platforms.active_secrets(platform))


class PlatformIn(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    domains = serializers.ListField(child=serializers.CharField(max_length=253), required=False, max_length=50,
                                    help_text="Host suffixes it owns: forum.example owns m.forum.example")
    content_id_prefixes = serializers.ListField(child=serializers.CharField(max_length=32), required=False,
                                                max_length=50, help_text="forum owns forum:123")
    languages = serializers.ListField(child=serializers.CharField(max_length=16), required=False, max_length=20)
    webhook_url = serializers.URLField(max_length=500, required=False, allow_blank=True,
                                       help_text="http(s) endpoint receiving its signed webhooks")
    dsa_platform_id = serializers.CharField(max_length=60, required=False, allow_blank=True)
    shares_staydown = serializers.BooleanField(required=False)
    shares_signals = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False)


class PlatformCreateIn(PlatformIn):
    slug = serializers.SlugField(max_length=40)


class PlatformCreatedOut(PlatformOut):
    """A new platform, with its credentials (``context``: ``token``, ``webhook_secret``)."""

    token = serializers.SerializerMethodField(help_text="The platform's API token: shown only now")
    webhook_secret = serializers.SerializerMethodField(help_text="Its first signing secret: shown only now")

    class Meta(PlatformOut.Meta):
        fields = [*PlatformOut.Meta.fields, "token", "webhook_secret"]

    def get_token(self, platform: Platform) -> str:
        return self.context["token"]

    def get_webhook_secret(self, platform: Platform) -> str:
        return self.context["webhook_secret"]


class PlatformListApi(APIView):
    """The platforms of the group (admin)."""

    permission_classes = [Admins]

    @extend_schema(responses=PlatformOut(many=True), summary="List the group's platforms")
    def get(self, request: Request) -> Response:
        return Response(PlatformOut(Platform.objects.prefetch_related("secrets"), many=True).data)

    @extend_schema(request=PlatformCreateIn, responses={201: PlatformCreatedOut}, summary="Add a platform")
    def post(self, request: Request) -> Response:
        data = PlatformCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        new = platforms.platform_create(actor=actors.for_user(request.user), **fields)
        credentials = {"token": new.token, "webhook_secret": new.secret}
        return Response(PlatformCreatedOut(new.platform, context=credentials).data, status=201)


class PlatformDetailApi(APIView):
    """One platform (admin): read it, or change what it owns and shares."""

    permission_classes = [Admins]

    def _platform(self, pk: int) -> Platform:
        platform = Platform.objects.filter(pk=pk).first()
        if platform is None:
            raise NotFound(_("No platform with this id."))
        return platform

    @extend_schema(responses=PlatformOut, summary="Read a platform")
    def get(self, request: Request, pk: int) -> Response:
        return Response(PlatformOut(self._platform(pk)).data)

    @extend_schema(request=PlatformIn, responses=PlatformOut, summary="Change a platform")
    def patch(self, request: Request, pk: int) -> Response:
        platform = self._platform(pk)
        data = PlatformIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        updated = platforms.platform_update(platform=platform, actor=actors.for_user(request.user),
                                            **data.validated_data)
        return Response(PlatformOut(updated).data)
