from rest_framework import serializers


class RegisterInputSerializer(serializers.Serializer):
    # The model's own validators (allowed characters, uniqueness) run in the service; here only shape.
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)


class UserOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    username = serializers.CharField(read_only=True)
