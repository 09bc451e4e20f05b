"""Public history routes (docs/api.md, public reads): a player's history, the tournaments and a
tournament's matches. Thin views over history.selectors and history.public_selectors."""

from functools import partial

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.public import PublicApiMixin, public_player
from history.apis import CURSOR_PATTERN, MatchCursorPagination
from history.public_selectors import tournament_list, tournament_match_page
from history.selectors import match_page_for_user
from history.serializers import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    MatchListInputSerializer,
    MatchOutputSerializer,
    MatchPageOutputSerializer,
    QueryIntegerField,
)

_CURSOR = OpenApiParameter(
    "cursor", {"type": "string", "pattern": CURSOR_PATTERN}, description="Take it from a 'next' or 'previous' link."
)


class PlayerMatchListApi(PublicApiMixin, APIView):
    @extend_schema(
        operation_id="players_matches",
        summary="A player's public history: as GET /api/matches, for any player",
        parameters=[
            OpenApiParameter("user_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
            MatchListInputSerializer,
            _CURSOR,
        ],
        responses={
            200: MatchPageOutputSerializer,
            400: OpenApiResponse(description="Field errors in the query parameters."),
            403: OpenApiResponse(description="The profile is private (to everyone but its player)."),
            404: OpenApiResponse(description="No player with this id."),
        },
    )
    def get(self, request: Request, user_id: str) -> Response:
        player = public_player(user_id=user_id, viewer=request.user)
        params = MatchListInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = dict(params.validated_data)
        paginator = MatchCursorPagination(page_size=filters.pop("page_size"))
        page = paginator.paginate(request, partial(match_page_for_user, user=player, **filters))
        return paginator.get_paginated_response(MatchOutputSerializer(page, many=True).data)


class TournamentOutputSerializer(serializers.Serializer):
    tournament_id = serializers.CharField()
    matches = serializers.IntegerField()
    players = serializers.IntegerField(help_text="Distinct player ids (a guest counts by their player_id).")
    first_match_at = serializers.DateTimeField(help_text="started_at of its first match.")
    last_match_at = serializers.DateTimeField(help_text="started_at of its last match.")


class TournamentListApi(PublicApiMixin, APIView):
    @extend_schema(
        operation_id="tournaments_list",
        summary="The tournaments, most recently played first (100 at most)",
        responses={200: inline_serializer("TournamentList", {"results": TournamentOutputSerializer(many=True)})},
    )
    def get(self, request: Request) -> Response:
        return Response({"results": TournamentOutputSerializer(tournament_list(), many=True).data})


class PageSizeInputSerializer(serializers.Serializer):
    page_size = QueryIntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE)


class TournamentMatchListApi(PublicApiMixin, APIView):
    @extend_schema(
        operation_id="tournaments_matches",
        summary="A tournament's matches, newest first, in cursor pages",
        parameters=[
            OpenApiParameter("tournament_id", OpenApiTypes.STR, OpenApiParameter.PATH),
            PageSizeInputSerializer,
            _CURSOR,
        ],
        responses={
            200: MatchPageOutputSerializer,
            400: OpenApiResponse(description="Field errors in the query parameters."),
            404: OpenApiResponse(description="No match has this tournament_id."),
        },
    )
    def get(self, request: Request, tournament_id: str) -> Response:
        params = PageSizeInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        paginator = MatchCursorPagination(page_size=params.validated_data["page_size"])
        page = paginator.paginate(request, partial(tournament_match_page, tournament_id=tournament_id))
        if not page and not request.query_params.get("cursor"):
            raise NotFound("No match of a tournament with this id.")
        return paginator.get_paginated_response(MatchOutputSerializer(page, many=True).data)
