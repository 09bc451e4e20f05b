"""The production NATS users (deploy/nats-cluster/authorization.conf) on a server of the test's own."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from devtools.embedded import EmbeddedNats

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "deploy" / "nats-cluster"
ROLES = ("GAME_SERVER", "PROJECTOR", "DETECTOR", "WEB", "ARCHIVER", "ADMIN")
USERS = {
    "GAME_SERVER": "game-server",
    "PROJECTOR": "projector",
    "DETECTOR": "detector",
    "WEB": "web",
    "ARCHIVER": "archiver",
    "ADMIN": "admin",
}


@pytest.fixture
def role_passwords(monkeypatch) -> dict[str, str]:
    passwords = {role: f"secret-{role.lower().replace('_', '-')}" for role in ROLES}
    for role, password in passwords.items():
        monkeypatch.setenv(f"NATS_{role}_PASSWORD", password)
    return passwords


@pytest.fixture
def authorized_nats(tmp_path, role_passwords):
    """A nats-server with JetStream that includes the production authorization file, as the nodes do."""
    (tmp_path / "nats").mkdir()
    (tmp_path / "nats" / "authorization.conf").write_text((CLUSTER / "authorization.conf").read_text())
    server = EmbeddedNats(tmp_path / "nats", extra_config="include ./authorization.conf\n")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def role_urls(authorized_nats, role_passwords) -> dict[str, str]:
    """NATS_URL of each role: its user and password on the server."""
    return {
        role: f"nats://{USERS[role]}:{quote(role_passwords[role], safe='')}@127.0.0.1:{authorized_nats.port}"
        for role in ROLES
    }
