"""`GET`/`PATCH`/`DELETE /api/me` (docs/api.md, private profiles and account deletion): thin views
over accounts.services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services import user_delete, user_set_private


class MeOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    profile_private = serializers.BooleanField()
    date_joined = serializers.DateTimeField()


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false only: DRF's own also takes 0, 1, "yes", "on"…, which the schema does not say."""

    def to_internal_value(self, data: object) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class MeUpdateInputSerializer(serializers.Serializer):
    profile_private = StrictBooleanField(
        required=False, help_text="Hide your history and stats from others, and from the boards."
    )


class MeDeleteInputSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class MeApi(APIView):
    @extend_schema(operation_id="me_retrieve", summary="The caller's account", responses={200: MeOutputSerializer})
    def get(self, request: Request) -> Response:
        return Response(MeOutputSerializer(request.user).data)

    @extend_schema(
        operation_id="me_update",
        summary="Make the caller's profile private or public",
        request=MeUpdateInputSerializer,
        responses={200: MeOutputSerializer, 400: OpenApiResponse(description="Field errors.")},
    )
    def patch(self, request: Request) -> Response:
        params = MeUpdateInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        user = request.user
        if "profile_private" in params.validated_data:  # PATCH: what is not given stays as it is
            user = user_set_private(user=user, private=params.validated_data["profile_private"])
        return Response(MeOutputSerializer(user).data)

    @extend_schema(
        operation_id="me_delete",
        summary="Delete the caller's account",
        description="The user row, its sessions and refresh tokens and its solo results go; its multiplayer "
        "rows stay with user_id null, shown under the player id (the guest form of a name).",
        request=MeDeleteInputSerializer,
        responses={204: None, 400: OpenApiResponse(description="Wrong or missing password.")},
    )
    def delete(self, request: Request) -> Response:
        params = MeDeleteInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        try:
            user_delete(user=request.user, password=params.validated_data["password"])
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(status=status.HTTP_204_NO_CONTENT)
