"""GET /api/events/schema: the contract for other publishers (docs/contract.md), public."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contract.schema import events_json_schema


class EventSchemaApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        summary="JSON Schema (2020-12) of game events and key moments",
        responses={200: OpenApiResponse(description="the JSON Schema document")},
    )
    def get(self, request: Request) -> Response:
        return Response(events_json_schema())
