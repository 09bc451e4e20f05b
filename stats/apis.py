"""Player stats and leaderboards (docs/api.md, stats): thin views over stats.selectors."""

from dataclasses import asdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.public import PublicApiMixin, public_player
from stats import serializers
from stats.selectors import leaderboard_multiplayer, leaderboard_solo, player_stats, solo_bests
from stats.standings import tournament_standings

_STATS_RESPONSES = {
    200: serializers.PlayerStatsSerializer,
    400: OpenApiResponse(description="Field errors in since / until."),
}


def _stats_response(request: Request, user: User) -> Response:
    params = serializers.StatsInputSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    stats = {**player_stats(user=user, **params.validated_data), "solo_bests": solo_bests(user=user)}
    return Response(serializers.PlayerStatsSerializer(stats).data)


class PlayerStatsApi(PublicApiMixin, APIView):
    @extend_schema(
        operation_id="players_stats",
        summary="A player's stats (public unless the profile is private)",
        description="Totals and figures of the player's multiplayer and solo matches started in [since, until).",
        parameters=[
            OpenApiParameter("user_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
            serializers.StatsInputSerializer,
        ],
        responses={
            **_STATS_RESPONSES,
            403: OpenApiResponse(description="The profile is private (to everyone but its player)."),
            404: OpenApiResponse(description="No user with this id."),
        },
    )
    def get(self, request: Request, user_id: str) -> Response:
        return _stats_response(request, public_player(user_id=user_id, viewer=request.user))


class MyStatsApi(APIView):
    @extend_schema(
        operation_id="me_stats",
        summary="The caller's stats",
        description="As GET /api/players/{user_id}/stats for the signed-in user.",
        parameters=[serializers.StatsInputSerializer],
        responses=_STATS_RESPONSES,
    )
    def get(self, request: Request) -> Response:
        return _stats_response(request, request.user)


_PERIOD_400 = OpenApiResponse(description="An unknown period.")


def _leaderboard_response(request: Request, select) -> Response:
    params = serializers.PeriodInputSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    period = params.validated_data["period"]
    # The rows are already in the serializer's shape (it describes them in the schema; tests hold the
    # two together): serializing them field by field cost more than the query (4 ms for 100 rows).
    return Response({"period": period, "results": [asdict(row) for row in select(period=period)]})


class SoloLeaderboardApi(PublicApiMixin, APIView):
    @extend_schema(
        operation_id="leaderboards_solo",
        summary="Best verified solo runs of a mode and period",
        parameters=[serializers.SoloLeaderboardInputSerializer],
        responses={
            200: serializers.SoloLeaderboardSerializer,
            400: OpenApiResponse(description="An unknown period or mode."),
        },
    )
    def get(self, request: Request) -> Response:
        params = serializers.SoloLeaderboardInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        period, mode = params.validated_data["period"], params.validated_data["mode"]
        rows = leaderboard_solo(period=period, mode=mode)
        return Response({"period": period, "mode": mode, "results": [asdict(row) for row in rows]})


class MultiplayerLeaderboardApi(PublicApiMixin, APIView):
    @extend_schema(
        operation_id="leaderboards_multiplayer",
        summary="Most multiplayer wins of the period",
        parameters=[serializers.PeriodInputSerializer],
        responses={200: serializers.MultiplayerLeaderboardSerializer, 400: _PERIOD_400},
    )
    def get(self, request: Request) -> Response:
        return _leaderboard_response(request, leaderboard_multiplayer)


class TournamentStandingsApi(PublicApiMixin, APIView):
    @extend_schema(
        operation_id="tournaments_standings",
        summary="A tournament's standings",
        description=(
            "From a materialized view refreshed by the projector after tournament matches (at most once per "
            "TOURNAMENT_REFRESH_SECONDS, and once after the last) and by manage.py refresh_standings."
        ),
        parameters=[OpenApiParameter("tournament_id", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={
            200: serializers.StandingsSerializer,
            404: OpenApiResponse(description="No match has this tournament_id."),
        },
    )
    def get(self, request: Request, tournament_id: str) -> Response:
        standings = tournament_standings(tournament_id=tournament_id)
        if standings is None:
            raise NotFound("No match of a tournament with this id.")
        return Response(standings)  # already in StandingsSerializer's shape, as the leaderboards' rows
