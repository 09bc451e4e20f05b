"""History API (docs/api.md): thin views over history.selectors."""

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from accounts.public import PublicApiMixin
from history.public_selectors import match_get_public
from history.selectors import MatchListRow, match_page_for_user
from history.serializers import MatchListInputSerializer, MatchOutputSerializer, MatchPageOutputSerializer

INVALID_CURSOR = "This cursor is not valid; follow the 'next' or 'previous' link of an earlier page."
# A cursor is a row's position written out: the direction (n: older rows, p: newer ones), the row's
# started_at in microseconds since 1970 (UTC), a dot, and its match id in hex. Every string of this
# form is a position (one that matches no row gives an empty page), so the schema can state it whole.
CURSOR_PATTERN = r"^[np][0-9]{1,17}\.[0-9a-f]{32}$"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


class MatchCursorPagination:
    """Keyset pagination on (started_at, match id), newest first.

    Unlike DRF's CursorPagination, which keys on the first ordering field and breaks ties with an
    offset, a cursor here is the exact position of a row: pages stay stable while newer matches
    arrive, matches starting at the same instant are neither skipped nor repeated, and a deep page
    costs the same as the first one.
    """

    cursor_query_param = "cursor"

    def __init__(self, *, page_size: int) -> None:
        self.page_size = page_size
        self.next_position: tuple[datetime, uuid.UUID] | None = None
        self.previous_position: tuple[datetime, uuid.UUID] | None = None

    def paginate(self, request: Request, fetch: Callable[..., list[MatchListRow]]) -> list[MatchListRow]:
        """The page the request's cursor points at; ``fetch(after=, newer=, limit=)`` reads rows."""
        self.base_url = request.build_absolute_uri()
        # An empty cursor is no cursor, as any optional query parameter given empty (docs/api.md).
        cursor = request.query_params.get(self.cursor_query_param) or None
        position, backwards = self._decode(cursor) if cursor is not None else (None, False)
        rows = fetch(after=position, newer=backwards, limit=self.page_size + 1)
        has_more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
        first = rows[0].position if rows else position
        last = rows[-1].position if rows else position
        if backwards:
            self.previous_position = first if has_more else None
            self.next_position = last
        else:
            self.previous_position = first if position is not None else None
            self.next_position = last if has_more else None
        return rows

    def get_paginated_response(self, data: list) -> Response:
        return Response(
            {
                "next": self._link(self.next_position, backwards=False),
                "previous": self._link(self.previous_position, backwards=True),
                "results": data,
            }
        )

    def _link(self, position: tuple[datetime, uuid.UUID] | None, *, backwards: bool) -> str | None:
        if position is None:
            return None
        at, match_id = position
        token = f"{'p' if backwards else 'n'}{(at - EPOCH) // MICROSECOND}.{match_id.hex}"
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    @staticmethod
    def _decode(cursor: str) -> tuple[tuple[datetime, uuid.UUID], bool]:
        if not re.fullmatch(CURSOR_PATTERN, cursor):
            raise ValidationError({"cursor": [INVALID_CURSOR]})
        micros, match_hex = cursor[1:].split(".")
        return (EPOCH + int(micros) * MICROSECOND, uuid.UUID(match_hex)), cursor[0] == "p"


class MatchListApi(APIView):
    @extend_schema(
        operation_id="matches_list",
        summary="The caller's matches, newest first",
        parameters=[
            MatchListInputSerializer,
            OpenApiParameter(
                "cursor",
                {"type": "string", "pattern": CURSOR_PATTERN},
                description="Take it from a 'next' or 'previous' link. A row's position: n (older) or p "
                "(newer), its started_at in microseconds since 1970 UTC, a dot, its match id in hex.",
            ),
        ],
        responses={
            200: MatchPageOutputSerializer,
            400: OpenApiResponse(description="Field errors in the query parameters."),
        },
    )
    def get(self, request: Request) -> Response:
        params = MatchListInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = dict(params.validated_data)
        paginator = MatchCursorPagination(page_size=filters.pop("page_size"))
        page = paginator.paginate(request, partial(match_page_for_user, user=request.user, **filters))
        return paginator.get_paginated_response(MatchOutputSerializer(page, many=True).data)


class MatchDetailApi(PublicApiMixin, APIView):
    @extend_schema(
        operation_id="matches_retrieve",
        summary="One match with its players (public)",
        parameters=[OpenApiParameter("match_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={
            200: MatchOutputSerializer,
            404: OpenApiResponse(description="No such match."),
        },
    )
    def get(self, request: Request, match_id: str) -> Response:
        match = match_get_public(match_id=match_id)
        if match is None:
            raise NotFound("No match with this id (a match id is a UUID).")
        return Response(MatchOutputSerializer(match).data)
