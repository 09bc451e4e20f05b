"""Usernames compared case-insensitively after NFKC (docs/api.md): a unique key column.

Accounts that already collide (`Alice` and `alice`) keep working: the oldest keeps the plain key, each
later one `key#id`, and each signs in by its exact name. They are reported on standard output, so
that an operator can contact them or rename one.
"""

import sys

from django.db import migrations, models

import accounts.models
from accounts.names import collision_keys, username_key


def fill_keys(apps, schema_editor) -> None:
    User = apps.get_model("accounts", "User")
    accounts = list(User.objects.order_by("date_joined", "id").values_list("id", "username"))
    keys = {str(account): username_key(name) for account, name in accounts}
    changed = collision_keys(list(keys.items()))
    names = {str(account): name for account, name in accounts}
    for account, key in keys.items():
        User.objects.filter(id=account).update(username_key=changed.get(account, key))
    for account, key in changed.items():
        first = next(name for other, name in accounts if keys[str(other)] == keys[account])
        sys.stdout.write(
            f"\n  accounts: username {names[account]!r} ({account}) collides with {first!r}; it keeps "
            f"working by its exact name, key {key!r}"
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AlterModelManagers(name="user", managers=[("objects", accounts.models.PlayerManager())]),
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.TextField(editable=False, null=True),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="username_key",
            field=accounts.models.UsernameKeyField(editable=False, unique=True),
        ),
    ]
