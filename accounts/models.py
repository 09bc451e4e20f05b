import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from accounts.names import username_key


class PlayerManager(UserManager):
    def get_by_natural_key(self, username: str | None) -> "User":
        """The account a sign-in names, in any case or width (SPEC section 13).

        The exact name first: accounts that collided before the rule (see migration 0002) each keep
        their own sign-in by their exact name.
        """
        try:
            return self.get(username=username)
        except self.model.DoesNotExist:
            return self.get(username_key=username_key(username or ""))


class User(AbstractUser):
    """A registered player. The UUID is the player's `player_id` in game events (SPEC section 3)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The username as names are compared (accounts/names.py), unique: `Alice` and a full-width `alice` are one.
    username_key = models.TextField(unique=True, editable=False)

    objects = PlayerManager()

    class Meta:
        db_table = "users"

    def save(self, *args: object, **kwargs: object) -> None:
        # Kept by the migration for accounts that collided before the rule (`key#id`).
        if not self.username_key or self.username_key.split("#")[0] != username_key(self.username):
            self.username_key = username_key(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_key"}
        super().save(*args, **kwargs)
