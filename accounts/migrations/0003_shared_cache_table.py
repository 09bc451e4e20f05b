"""The table of CACHES["shared"] (the auth throttles' counts, shared by every worker and host)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_username_key")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
