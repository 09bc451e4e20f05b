import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from accounts.names import username_key


class PlayerManager(UserManager):
    def get_by_natural_key(self, username: str | None) -> "User":
        """The account a sign-in names, in any case or width (docs/api.md).

        The exact name first: accounts that collided before the rule (see migration 0002) each keep
        their own sign-in by their exact name.
        """
        try:
            return self.get(username=username)
        except self.model.DoesNotExist:
            return self.get(username_key=username_key(username or ""))


class UsernameKeyField(models.TextField):
    """The username's key (accounts/names.py), set from the username on every insert and update,
    bulk_create's included (Django calls pre_save for those too)."""

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        key = username_key(model_instance.username)
        current = getattr(model_instance, self.attname) or ""
        # An account that collided before the rule keeps the key migration 0002 gave it (`key#id`).
        if current.split("#")[0] != key:
            setattr(model_instance, self.attname, key)
        return getattr(model_instance, self.attname)


class User(AbstractUser):
    """A registered player. The UUID is the player's `player_id` in game events (docs/contract.md, game events)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The username as names are compared (accounts/names.py), unique: `Alice` and a full-width `alice` are one.
    username_key = UsernameKeyField(unique=True, editable=False)
    # Their stats and history pages answer 403 to others, and they are left out of the leaderboards;
    # their matches stay public, being the other players' too (docs/api.md, private profiles).
    profile_private = models.BooleanField(default=False, db_default=False)

    objects = PlayerManager()

    class Meta:
        db_table = "users"
        # The leaderboards leave these few out (stats/selectors.py): an index of just them.
        indexes = [models.Index(fields=["id"], condition=models.Q(profile_private=True), name="users_private_idx")]

    def save(self, *args: object, **kwargs: object) -> None:
        # A save of the username alone must carry its key along (pre_save runs for the fields saved).
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_key"}
        super().save(*args, **kwargs)
