from django.contrib.auth.password_validation import MinimumLengthValidator, get_default_password_validators
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from accounts.lockout import signed_in
from accounts.names import USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH, USERNAME_RULE


class StrictCharField(serializers.CharField):
    """A JSON string only: DRF's CharField would turn 12 or true into "12" or "True"."""

    default_error_messages = {"invalid": "A JSON string is required."}

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def _minimum_password_length() -> int:
    lengths = [v.min_length for v in get_default_password_validators() if isinstance(v, MinimumLengthValidator)]
    return max(lengths, default=1)


# The rules the service checks, stated in the schema as far as JSON Schema can: the username's
# (accounts/names.py: 3 to 30 letters, digits, _ or -, after NFKC) and AUTH_PASSWORD_VALIDATORS'
# length and not-only-digits. A taken username (in any case or width), a common password or one too
# like the username can only be told by trying.
@extend_schema_field(
    {
        "type": "string",
        "minLength": USERNAME_MIN_LENGTH,
        "maxLength": USERNAME_MAX_LENGTH,
        "pattern": rf"^[\w-]{{{USERNAME_MIN_LENGTH},{USERNAME_MAX_LENGTH}}}$",
    }
)
class UsernameField(StrictCharField):
    pass


@extend_schema_field(
    {
        "type": "string",
        "maxLength": 4096,
        "pattern": "[^0-9]",
        "description": f"At least {_minimum_password_length()} characters, not only digits, not a common "
        "password, not too like the username.",
        "writeOnly": True,
    }
)
class PasswordField(StrictCharField):
    pass


class RegisterInputSerializer(serializers.Serializer):
    # The model's own validators (allowed characters, uniqueness) and the password validators run in the
    # service; here the shape, and the validators' minimum length, so that the schema can state it.
    # Its length as typed; the service checks it again on the NFKC form (accounts/names.py).
    username = UsernameField(
        min_length=USERNAME_MIN_LENGTH,
        max_length=USERNAME_MAX_LENGTH,
        trim_whitespace=False,
        error_messages={"min_length": USERNAME_RULE, "max_length": USERNAME_RULE, "blank": USERNAME_RULE},
    )
    password = PasswordField(
        min_length=_minimum_password_length(), max_length=4096, trim_whitespace=False, write_only=True
    )


class UserOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    username = serializers.CharField(read_only=True)


class SignInSerializer(TokenObtainPairSerializer):
    """simplejwt's sign-in, with the credentials taken as typed.

    Its fields trim white space, but registration keeps it (a password may begin or end with a
    space), so a password with a space at either end could never sign in, and one of spaces got
    "may not be blank" for a request the schema calls valid.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in (self.username_field, "password"):
            self.fields[name].trim_whitespace = False

    def validate(self, attrs: dict) -> dict:
        data = super().validate(attrs)
        signed_in(self.context["request"], self.user)  # the lockout's count starts again
        return data
