"""Writes for accounts."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User


@transaction.atomic
def user_register(*, username: str, password: str) -> User:
    """Create an active, non-staff user; raise ValidationError (by field) when the input is refused.

    The password goes through the project's AUTH_PASSWORD_VALIDATORS, judged against the username too.
    """
    user = User(username=username)
    user.full_clean(exclude=["password"], validate_constraints=False)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    try:
        # A savepoint, so that losing a race for the username leaves the outer transaction usable.
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError as error:
        raise ValidationError({"username": ["A user with that username already exists."]}) from error
    return user


DEMO_USERNAMES = ("demo-1", "demo-2", "demo-3", "demo-4")


def demo_users_get_or_create(*, usernames: tuple[str, ...] = DEMO_USERNAMES) -> list[User]:
    """The demo users that simulated matches seat beside guests, created when missing (unusable passwords)."""
    return [
        User.objects.get_or_create(username=name, defaults={"password": make_password(None)})[0] for name in usernames
    ]
