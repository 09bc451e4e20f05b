"""Writes for accounts."""

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import User
from accounts.names import USERNAME_RULE, username_is_valid, username_key, username_normal_form

USERNAME_TAKEN = "A user with that username already exists."


def username_is_taken(username: str, *, other_than: User | None = None) -> bool:
    """Whether an account (other than ``other_than``) has this name as names are compared (accounts/names.py)."""
    accounts = User.objects.filter(username_key=username_key(username))
    return (accounts.exclude(pk=other_than.pk) if other_than is not None else accounts).exists()


@transaction.atomic
def user_register(*, username: str, password: str) -> User:
    """Create an active, non-staff user; raise ValidationError (by field) when the input is refused.

    The password goes through the project's AUTH_PASSWORD_VALIDATORS, judged against the username too.
    The username is kept in its NFKC form and must be new as names are compared (accounts/names.py).
    """
    username = username_normal_form(username)
    if not username_is_valid(username):
        raise ValidationError({"username": [USERNAME_RULE]})
    user = User(username=username, username_key=username_key(username))
    user.full_clean(exclude=["password", "username_key"], validate_constraints=False)
    if username_is_taken(username):
        raise ValidationError({"username": [USERNAME_TAKEN]})
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
        raise ValidationError({"username": [USERNAME_TAKEN]}) from error
    return user


DEMO_USERNAMES = ("demo-1", "demo-2", "demo-3", "demo-4")


def demo_users_get_or_create(*, usernames: tuple[str, ...] = DEMO_USERNAMES) -> list[User]:
    """The demo users that simulated matches seat beside guests, created when missing (unusable passwords)."""
    return [
        User.objects.get_or_create(username=name, defaults={"password": make_password(None)})[0] for name in usernames
    ]


WRONG_PASSWORD = "This is not your password."


@transaction.atomic
def user_delete(*, user: User, password: str) -> None:
    """Delete the account (docs/api.md, account deletion); ValidationError on ``password`` when it is wrong.

    Its refresh tokens (simplejwt keeps them with user SET_NULL, so they are deleted here, their
    blacklist entries with them) and its Django sessions (the admin's) go first. Its solo results go
    with the user row (a pre_delete receiver of history's); its multiplayer rows stay, user_id null.
    """
    if not user.check_password(password):
        raise ValidationError({"password": [WRONG_PASSWORD]})
    OutstandingToken.objects.filter(user=user).delete()
    user_id = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == user_id:
            session.delete()
    user.delete()


def user_set_private(*, user: User, private: bool) -> User:
    user.profile_private = private
    user.save(update_fields=["profile_private"])
    return user
