"""`GET /api/matches/{id}/analysis`: a match's figures, timelines and knock-outs (docs/api.md)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.public import PublicApiMixin
from analysis.models import MatchAnalysis
from history.models import Match
from history.public_selectors import match_get_public

AnalysisOutput = inline_serializer(
    "MatchAnalysis",
    {
        "match_id": serializers.UUIDField(),
        "rules_version": serializers.IntegerField(help_text="the version of the rules that computed it"),
        "computed_at": serializers.DateTimeField(),
        "analysis": serializers.DictField(
            help_text="{rules_version, tick_rate, players: [figures and timeline], knockouts} (docs/api.md)"
        ),
    },
)


class MatchAnalysisApi(PublicApiMixin, APIView):
    @extend_schema(
        operation_id="matches_analysis",
        summary="A match's figures per player, timelines and knock-outs (public)",
        parameters=[OpenApiParameter("match_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={
            200: AnalysisOutput,
            404: OpenApiResponse(
                description="No such match, its analysis is not computed yet, or a solo match recorded without its run."
            ),
        },
    )
    def get(self, request: Request, match_id: str) -> Response:
        # As public as the match itself (docs/api.md, public reads): the match detail's selector.
        match = match_get_public(match_id=match_id)
        if match is None:
            raise NotFound("No match with this id (a match id is a UUID).")
        row = MatchAnalysis.objects.filter(match_id=match.id).first()
        if row is None and match.mode == Match.Mode.SOLO and not match.verified:
            raise NotFound(
                "This solo match was recorded without its run (unverified): it has no events and no key "
                "presses to analyse."
            )
        if row is None and match.mode == Match.Mode.SOLO:
            # Analysed by the archiver's sweep (analysis.hooks), never here: a replay costs 0.1 to 0.4 s.
            raise NotFound(
                "This solo run's analysis is not computed yet: it is computed from its run a few seconds "
                "after it is recorded."
            )
        if row is None:
            raise NotFound(
                "This match's analysis is not computed yet: it is computed once the match is archived, "
                "a few seconds after it ends."
            )
        return Response(
            {
                "match_id": str(match.id),
                "rules_version": row.rules_version,
                "computed_at": row.computed_at,
                "analysis": row.figures,
            }
        )
