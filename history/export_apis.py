"""`GET /api/players/{user_id}/matches/export`: a player's matches as JSON lines, newest first (docs/operations.md).

One match a line in the shape of section 6, read a keyset page of 1,000 at a time (the history page's
query) and streamed as it is read, so memory stays flat whatever the player's count. Visible as the
player's history is (docs/api.md, public reads: to anyone, 403 for a private profile but to its
player); `Content-Disposition` names a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from accounts.public import PublicApiMixin, public_player
from history.selectors import match_page_for_user
from history.serializers import MatchListInputSerializer, MatchOutputSerializer

EXPORT_PAGE = 1000


class ExportInputSerializer(MatchListInputSerializer):
    """The history's filters; no page size (the export is every match)."""

    page_size = None


def match_lines(
    *, user, mode: str | None = None, since: datetime | None = None, until: datetime | None = None
) -> Iterator[bytes]:
    """The player's matches, newest first, one JSON line each (a chunk of lines a page)."""
    encoder = JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    serializer = MatchOutputSerializer()
    after = None
    while True:
        page = match_page_for_user(user=user, mode=mode, since=since, until=until, after=after, limit=EXPORT_PAGE)
        if page:
            yield "".join(encoder.encode(serializer.to_representation(row)) + "\n" for row in page).encode()
        if len(page) < EXPORT_PAGE:
            return
        after = page[-1].position


class PlayerMatchesExportApi(PublicApiMixin, APIView):
    @extend_schema(
        operation_id="players_matches_export",
        summary="A player's matches as JSON lines, newest first",
        description="One match a line, in the shape of GET /api/matches/{id}; the history's filters.",
        parameters=[
            OpenApiParameter("user_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
            ExportInputSerializer,
        ],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR, description="JSON lines"),
            403: OpenApiResponse(description="The profile is private (to everyone but its player)."),
            404: OpenApiResponse(description="No user with this id."),
        },
    )
    def get(self, request: Request, user_id: str) -> StreamingHttpResponse:
        user = public_player(user_id=user_id, viewer=request.user)  # 404 unknown, 403 private to others
        params = ExportInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters: dict[str, Any] = dict(params.validated_data)
        response = StreamingHttpResponse(match_lines(user=user, **filters), content_type="application/x-ndjson")
        response["Content-Disposition"] = f'attachment; filename="matches-{user.pk}.jsonl"'
        return response
