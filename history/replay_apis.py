"""`GET /api/matches/{id}/replay`: a match's events and moments, read straight from JetStream."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from history.apis import match_of_caller
from streaming.replay import ReplayGone, ReplayNotFound, replay_match


class ReplayGoneError(APIException):
    status_code = 410
    default_detail = "The event stream no longer holds this match (it keeps 90 days); its result is still in history."
    default_code = "gone"


class StreamUnavailable(APIException):
    status_code = 503
    default_detail = "The event stream cannot be reached right now; try again shortly."
    default_code = "stream_unavailable"


ReplayOutput = inline_serializer(
    "Replay",
    {
        "match_id": serializers.UUIDField(),
        "room_id": serializers.CharField(),
        "started_at": serializers.DateTimeField(),
        "events": serializers.ListField(child=serializers.DictField(), help_text="SPEC section 3 events, in order"),
        "moments": serializers.ListField(child=serializers.DictField(), help_text="SPEC section 4 key moments"),
    },
)


class MatchReplayApi(APIView):
    @extend_schema(
        operation_id="matches_replay",
        summary="A match's events and key moments, in stream order",
        parameters=[OpenApiParameter("match_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={
            200: ReplayOutput,
            404: OpenApiResponse(description="No such match among yours, or a solo match (solo has no events)."),
            410: OpenApiResponse(description="The stream no longer holds this match's events."),
            503: OpenApiResponse(description="The event stream is unreachable."),
        },
    )
    def get(self, request: Request, match_id: str) -> Response:
        match = match_of_caller(request, match_id)
        if not match.room_id:
            raise NotFound("Solo matches have no replay: only their result is recorded.")
        try:
            replay = replay_match(match.room_id, match.started_at)
        except (ReplayGone, ReplayNotFound):
            # The match was projected from the stream, so missing events mean they have expired.
            raise ReplayGoneError() from None
        except (OSError, TimeoutError) as error:
            raise StreamUnavailable() from error
        return Response(
            {
                "match_id": str(match.id),
                "room_id": match.room_id,
                "started_at": match.started_at.isoformat().replace("+00:00", "Z"),
                "events": replay.events,
                "moments": replay.moments,
            }
        )
