"""POST /api/solo_results (docs/api.md)."""

import re

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from history.serializers import MatchOutputSerializer
from solo.serializers import SoloResultInputSerializer
from solo.services import IdempotencyKeyReused, solo_result_record
from solo.verifier import VerifierUnavailable

IDEMPOTENCY_HEADER = "Idempotency-Key"
# Printable ASCII, 1 to 255 characters, what survives every proxy and fits the key column; no space at
# either end, since HTTP strips those (a key of spaces would arrive empty).
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]([\x20-\x7e]{0,253}[\x21-\x7e])?$"
IDEMPOTENCY_KEY_RE = re.compile(IDEMPOTENCY_KEY_PATTERN)


# docs/api.md: a run's inputs at their limits (200,000 of them) as JSON; other routes keep the
# general DATA_UPLOAD_MAX_MEMORY_SIZE. The API's error middleware and parser (config/) read it as the
# view's body_limit.
SOLO_BODY_LIMIT = 8 * 1024 * 1024


class IdempotencyConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_reused"


class VerifierDown(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "verifier_unavailable"
    default_detail = "The run cannot be replayed just now; send it again later."


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not IDEMPOTENCY_KEY_RE.fullmatch(key):
        raise ValidationError(
            {
                IDEMPOTENCY_HEADER: [
                    "Use 1 to 255 printable ASCII characters, no space at either end, e.g. a UUID made once per result."
                ]
            }
        )
    return key


class SoloResultApi(APIView):
    body_limit = SOLO_BODY_LIMIT

    @extend_schema(
        operation_id="solo_results_create",
        summary="Record a finished solo game",
        request=SoloResultInputSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN},
                OpenApiParameter.HEADER,
                description=(
                    "Optional, 1-255 printable ASCII characters (no space at either end), per user. A repeat "
                    "of the same body with the same key returns 200 and the first match; another body with "
                    "that key gets 409."
                ),
            )
        ],
        responses={
            201: MatchOutputSerializer,
            200: OpenApiResponse(MatchOutputSerializer, description="A repeat: the match of the first request."),
            400: OpenApiResponse(
                description=(
                    "Field errors in the body or in the Idempotency-Key header; with a replay, each posted figure "
                    "that differs from what the server's replay yields, an unknown engine, a run over the limits."
                )
            ),
            409: OpenApiResponse(description="The Idempotency-Key was used before with a different body."),
            413: OpenApiResponse(description="A body over 8 MB."),
            503: OpenApiResponse(description="The run could not be replayed just now; send it again later."),
        },
    )
    def post(self, request: Request) -> Response:
        idempotency_key = _idempotency_key(request)
        serializer = SoloResultInputSerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except VerifierUnavailable as error:
            raise VerifierDown() from error
        fields = dict(serializer.validated_data)
        fields.pop("replayed", None)  # equal to the posted figures, or the serializer refused them
        try:
            match, created = solo_result_record(user=request.user, idempotency_key=idempotency_key, **fields)
        except IdempotencyKeyReused as error:
            raise IdempotencyConflict(str(error)) from error
        response = Response(
            MatchOutputSerializer(match).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
        if idempotency_key is not None:
            response["Idempotent-Replayed"] = "false" if created else "true"
        return response
