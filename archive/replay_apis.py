"""`GET /api/matches/{id}/replay`: a match's events and moments, read from JetStream or its archive.

A replay is about 400 KB of JSON, so it is gzipped for clients that accept it (per view: the token
routes' answers are not compressed, which keeps BREACH-style guessing away from them) and revalidated
by an ETag made of the stream sequences of the match's last event and last moment: the stream is
append-only, so those two numbers change exactly when the answer does (a moment that arrives late
included). `Cache-Control: private, no-cache` makes the browser ask every time; a matching
If-None-Match gets a 304 without the body, but only once the stream (or, past its retention, the
archive: archive/reads.py, the same document and ETag) has been read and still holds the match.
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
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.public import PublicApiMixin
from archive.document import document_json, replay_etag
from archive.reads import match_replay_document
from archive.solo_replay import solo_replay
from archive.store import ArchiveUnreadable
from history.public_selectors import match_get_public
from history.replay import ReplayGone, ReplayNotFound
from history.selectors import MatchRow
from solo.models import SoloRun
from solo.verifier import VerifierUnavailable
from streaming.world import NATS_UNAVAILABLE


class ReplayGoneError(APIException):
    status_code = 410
    default_detail = (
        "The event stream no longer holds this match (it keeps 90 days) and the archive has no copy of it: "
        "it ended before the archive existed. Its result is still in history."
    )
    default_code = "gone"


class ArchiveUnavailable(APIException):
    status_code = 503
    default_detail = (
        "This match's events are kept in the archive (the stream no longer holds them), and the archive's "
        "object store cannot be read right now; try again shortly."
    )
    default_code = "archive_unavailable"


class StreamUnavailable(APIException):
    status_code = 503
    default_detail = "The event stream cannot be reached right now; try again shortly."
    default_code = "stream_unavailable"


ReplayOutput = inline_serializer(
    "Replay",
    {
        "match_id": serializers.UUIDField(),
        "room_id": serializers.CharField(allow_null=True, help_text="Null for a solo match."),
        "started_at": serializers.DateTimeField(),
        "events": serializers.ListField(child=serializers.DictField(), help_text="Events in order (docs/contract.md)"),
        "moments": serializers.ListField(child=serializers.DictField(), help_text="Key moments (docs/contract.md)"),
        "last_event_seq": serializers.IntegerField(
            help_text="stream sequence of the last event (the ETag's); a solo replay's: the number of its events"
        ),
        "last_moment_seq": serializers.IntegerField(
            help_text="stream sequence of the last moment, 0 for none; a solo replay's: the number of its moments"
        ),
    },
)


def _match_document(request: Request, match: MatchRow) -> tuple[dict | None, str]:
    """A multiplayer match's replay and its ETag; None for the document when If-None-Match names it."""
    try:
        # The stream, else the archive (docs/operations.md): the same document and ETag either way.
        document = match_replay_document(match)
    except (ReplayGone, ReplayNotFound):
        raise ReplayGoneError() from None
    except ArchiveUnreadable as error:
        raise ArchiveUnavailable() from error
    except NATS_UNAVAILABLE as error:  # unreachable, or no stream leader on a cluster
        raise StreamUnavailable() from error
    etag = replay_etag(document)
    if etag_matches(request.headers.get("If-None-Match"), etag):
        return None, etag
    return document, etag


def _solo_replay_document(request: Request, match: MatchRow) -> tuple[dict | None, str]:
    """A verified solo match's replay (docs/api.md): the server's run of its stored inputs, and its ETag.

    The document is None when ``If-None-Match`` already names the ETag: the run never changes, and neither
    does what the engine of its version makes of it, so a match is revalidated without running it again.
    """
    run = SoloRun.objects.filter(match_id=match.id).first() if match.verified else None
    if run is None:
        raise NotFound("This solo match has no replay: it was recorded without its run, so only its result is kept.")
    etag = f'W/"solo-replay-{match.id}-{run.engine}"'
    if etag_matches(request.headers.get("If-None-Match"), etag):
        return None, etag
    try:
        return solo_replay(match, run), etag
    except VerifierUnavailable as error:
        raise StreamUnavailable("The replay cannot be made right now; try again shortly.") from error


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
            OpenApiParameter(
                "download", OpenApiTypes.STR, enum=["1"], required=False, description="1: answered as a file to save"
            ),
        ],
        responses={
            200: ReplayOutput,
            304: OpenApiResponse(description="Unchanged since the ETag given in If-None-Match."),
            400: OpenApiResponse(description="A download value other than 1."),
            404: OpenApiResponse(description="No such match, or a solo match without a verified run."),
            410: OpenApiResponse(description="Neither the stream nor the archive holds this match's events."),
            503: OpenApiResponse(
                description="The event stream, the archive the match is kept in, or a solo run's verifier is "
                "unavailable."
            ),
        },
    )
    def get(self, request: Request, match_id: str) -> HttpResponse:
        download = request.query_params.get("download") or None  # empty: not given (docs/api.md)
        if download not in (None, "1"):
            raise ValidationError(
                {"download": ["Give download=1 to have the replay answered as a file, or leave it out."]}
            )
        match = match_get_public(match_id=match_id)  # public (docs/api.md, public reads)
        if match is None:
            raise NotFound("No match with this id (a match id is a UUID).")
        # A solo match has no events in the stream: a verified one's are its run's, played again.
        document, etag = (_solo_replay_document if not match.room_id else _match_document)(request, match)
        if document is None:
            return mark_revalidated(HttpResponseNotModified(), etag)
        # Its bytes are the archived object's (archive/document.py), whichever of the two it was read from.
        response = HttpResponse(document_json(document), content_type="application/json")
        if download == "1":  # saved as a file by a browser (docs/operations.md)
            response["Content-Disposition"] = f'attachment; filename="replay-{match.id}.json"'
        return mark_revalidated(response, etag)
