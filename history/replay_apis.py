"""`GET /api/matches/{id}/replay`: a match's events and moments, read straight from JetStream.

A replay is about 400 KB of JSON, so it is gzipped for clients that accept it (per view: the token
routes' answers are not compressed, which keeps BREACH-style guessing away from them) and revalidated
by an ETag made of the stream sequences of the match's last event and last moment: the stream is
append-only, so those two numbers change exactly when the answer does (a moment that arrives late
included). `Cache-Control: private, no-cache` makes the browser ask every time; a matching
If-None-Match gets a 304 without the body, but only once the stream has been read and still holds
the match (a 410 otherwise), so a cached replay never outlives the stream's retention.
"""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.http import parse_etags
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.public import PublicApiMixin
from history.public_selectors import match_get_public
from history.replay import Replay, ReplayGone, ReplayNotFound, replay_match
from streaming.world import NATS_UNAVAILABLE


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
        "events": serializers.ListField(child=serializers.DictField(), help_text="Events in order (docs/contract.md)"),
        "moments": serializers.ListField(child=serializers.DictField(), help_text="Key moments (docs/contract.md)"),
    },
)


def replay_etag(replay: Replay) -> str:
    # Weak: the gzipped and the plain answer are the same representation for revalidation.
    return f'W/"replay-{replay.last_event_seq}-{replay.last_moment_seq}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = parse_etags(if_none_match)
    return "*" in tags or any(tag.removeprefix("W/") == etag.removeprefix("W/") for tag in tags)


def mark_revalidated(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return response


@method_decorator(gzip_page, name="dispatch")
class MatchReplayApi(PublicApiMixin, APIView):
    @extend_schema(
        operation_id="matches_replay",
        summary="A match's events and key moments, in stream order",
        description="Gzipped when the client accepts it; carries an ETag, and answers a matching "
        "If-None-Match with 304 while the stream still holds the match.",
        parameters=[
            OpenApiParameter("match_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
            OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
        ],
        responses={
            200: ReplayOutput,
            304: OpenApiResponse(description="Unchanged since the ETag given in If-None-Match."),
            404: OpenApiResponse(description="No such match, or a solo match (solo has no events)."),
            410: OpenApiResponse(description="The stream no longer holds this match's events."),
            503: OpenApiResponse(description="The event stream is unreachable."),
        },
    )
    def get(self, request: Request, match_id: str) -> Response:
        match = match_get_public(match_id=match_id)
        if match is None:
            raise NotFound("No match with this id (a match id is a UUID).")
        if not match.room_id:
            raise NotFound("Solo matches have no replay: only their result is recorded.")
        try:
            replay = replay_match(match.room_id, match.started_at)
        except (ReplayGone, ReplayNotFound):
            # The match was projected from the stream, so missing events mean they have expired.
            raise ReplayGoneError() from None
        except NATS_UNAVAILABLE as error:  # unreachable, or no stream leader on a cluster
            raise StreamUnavailable() from error
        etag = replay_etag(replay)
        if etag_matches(request.headers.get("If-None-Match"), etag):
            return mark_revalidated(HttpResponseNotModified(), etag)
        response = Response(
            {
                "match_id": str(match.id),
                "room_id": match.room_id,
                "started_at": match.started_at.isoformat().replace("+00:00", "Z"),
                "events": replay.events,
                "moments": replay.moments,
            }
        )
        return mark_revalidated(response, etag)
