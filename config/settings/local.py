"""Local development: debug on unless DJANGO_DEBUG says otherwise, and the embedded servers' addresses
when no URL is set."""

import json

from .base import *  # noqa: F403
from .base import ARCHIVE_URL, DATABASE_URL, LOCAL_DIR, NATS_URL, comma_list, database_config, env_bool, env_list

DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["*"])
# Without METRICS_TOKEN, /metrics answers this machine's own Prometheus or curl (docs/operations.md).
METRICS_LOOPBACK_WITHOUT_TOKEN = True

# `python3 dev.py up` (devtools) writes the embedded servers' addresses here.
_servers_file = LOCAL_DIR / "servers.json"
_embedded = json.loads(_servers_file.read_text()) if _servers_file.exists() else {}

if not DATABASE_URL and _embedded.get("database_url"):
    DATABASES = {"default": database_config(_embedded["database_url"])}
if not NATS_URL:
    NATS_SERVERS = comma_list(_embedded.get("nats_url", "nats://127.0.0.1:4222"))  # a cluster: every node
if not ARCHIVE_URL and _embedded.get("archive_url"):  # the embedded SeaweedFS takes any key
    ARCHIVE_URL, ARCHIVE_ENDPOINT_URL = _embedded["archive_url"], _embedded["archive_endpoint_url"]
    ARCHIVE_CREDENTIALS = ("embedded", "embedded")
