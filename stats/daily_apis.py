"""`GET /api/players/{user_id}/stats/daily`: a player's PPS, APM and VS by day (docs/api.md, stats)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.public import PublicApiMixin, public_player
from history.serializers import QueryIntegerField
from stats.daily import MAX_DAYS, player_daily


class DailyInputSerializer(serializers.Serializer):
    days = QueryIntegerField(min_value=1, max_value=MAX_DAYS, default=30, help_text="Days back, today included.")


class DayFiguresSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="A UTC day with multiplayer matches.")
    matches = serializers.IntegerField()
    pps = serializers.FloatField(allow_null=True, help_text="The day's pieces / seconds, 2 decimals.")
    apm = serializers.FloatField(allow_null=True, help_text="The day's attack x 60 / seconds, 1 decimal.")
    vs = serializers.FloatField(allow_null=True, help_text="Mean VS of the day's analysed matches; null for none.")


class PlayerDailySerializer(serializers.Serializer):
    days = DayFiguresSerializer(many=True)


class PlayerDailyApi(PublicApiMixin, APIView):
    @extend_schema(
        operation_id="players_stats_daily",
        summary="A player's multiplayer PPS, APM and VS by day (public unless the profile is private)",
        parameters=[OpenApiParameter("user_id", OpenApiTypes.UUID, OpenApiParameter.PATH), DailyInputSerializer],
        responses={
            200: PlayerDailySerializer,
            400: OpenApiResponse(description="days is not 1 to 365."),
            403: OpenApiResponse(description="The profile is private (to everyone but its player)."),
            404: OpenApiResponse(description="No user with this id."),
        },
    )
    def get(self, request: Request, user_id: str) -> Response:
        user = public_player(user_id=user_id, viewer=request.user)  # 403 for a private profile but to its player
        params = DailyInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        days = player_daily(user=user, days=params.validated_data["days"])
        return Response(PlayerDailySerializer({"days": days}).data)
