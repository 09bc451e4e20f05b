from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A JSON string only: DRF's CharField would turn 12 or true into "12" or "True"."""

    default_error_messages = {"invalid": "A JSON string is required."}

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class RegisterInputSerializer(serializers.Serializer):
    # The model's own validators (allowed characters, uniqueness) run in the service; here only shape.
    username = StrictCharField(max_length=150, trim_whitespace=False)
    password = StrictCharField(max_length=4096, trim_whitespace=False, write_only=True)


class UserOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    username = serializers.CharField(read_only=True)
