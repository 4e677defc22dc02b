"""The host platform reports what it did with each item's action (the webhook's report_url)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import actors
from hostplatform import platforms
from moderation import services as moderation
from moderation.models import ItemAction
from takedown import roles
from takedown.access import HasRole
from takedown.exceptions import NotFound, Unprocessable


class ItemActionReportIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=sorted(moderation.REPORT_OUTCOMES),
                                      help_text="done: carried out; refused: the platform will not carry it out")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                 help_text="Why, in the platform's words (shown to staff; required for refused)")


class ItemActionOut(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="decision.complaint.reference")
    decision_id = serializers.IntegerField()
    item_id = serializers.IntegerField()
    item_url = serializers.CharField(source="item.url")
    kind = serializers.ChoiceField(choices=ItemAction.Kind.values, help_text="apply or lift the measure")
    state = serializers.ChoiceField(choices=ItemAction.State.values)
    reported_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(source="platform_note")


def own_action_or_404(user, action_id: int, slug: str | None) -> None:
    """A platform's token reports only on actions for items on that platform: any other
    action (another platform's, or one on a site outside the group) is answered as missing,
    so a platform learns nothing of the others' cases."""
    platform = platforms.platform_of_user(user)
    action = ItemAction.objects.select_related("item").filter(pk=action_id).first()
    if slug is not None and slug != platform.slug or action is None:
        raise NotFound(_("No such item action."))
    route = platforms.routes_of([action.item])[action.item_id]
    if route.platform_id != platform.pk:
        raise NotFound(_("No such item action."))


class ItemActionReportApi(APIView):
    """``POST /api/v1/platforms/<slug>/actions/<id>/``: the platform confirms or refuses one
    item's action (the ``action_id`` of a measure.apply or measure.lift webhook). Idempotent.
    ``POST /api/v1/item-actions/<id>/report/`` is the same report for the token's own platform."""

    permission_classes = [HasRole.of(roles.PLATFORM)]

    @extend_schema(
        summary="Report that an item's action was carried out or refused",
        description=(
            "Send once the item is handled. The same report again answers 200 with the same action and "
            "records nothing new; a different outcome after a report is refused with 409. The case's "
            "action state and the complainant's tracking page follow the report. A platform reports only "
            "on its own items: another platform's action answers 404."
        ),
        request=ItemActionReportIn,
        responses={200: ItemActionOut},
    )
    def post(self, request: Request, pk: int | str, slug: str | None = None) -> Response:
        pk = int(pk)
        own_action_or_404(request.user, pk, slug)
        incoming = ItemActionReportIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        outcome, note = incoming.validated_data["outcome"], incoming.validated_data["note"].strip()
        if outcome == "refused" and not note:
            # Well formed, but a refusal says why: 422.
            raise Unprocessable(_("Say why the platform refuses."), fields={"note": [_("Say why the platform refuses.")]})
        action = moderation.item_action_report(
            action_id=pk, outcome=outcome, note=note,
            actor=actors.for_user(request.user),
        )
        return Response(ItemActionOut(action).data)
