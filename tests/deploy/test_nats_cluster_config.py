"""deploy/nats-cluster/: loaded by a real nats-server, and its users allowed only what their role needs."""

from __future__ import annotations

import asyncio
import subprocess

import nats
import pytest
import yaml
from nats.js.api import StreamConfig

from devtools.embedded import EmbeddedNats
from tests.deploy.conftest import CLUSTER, ROLES, ROOT


@pytest.mark.parametrize(
    "config", ["nats-cluster/nats-1.conf", "nats-cluster/nats-2.conf", "nats-cluster/nats-3.conf", "nats.conf"]
)
def test_the_nats_configuration_files_load_in_a_real_nats_server(config, role_passwords):
    result = subprocess.run(
        [EmbeddedNats.binary(), "-t", "-c", str(ROOT / "deploy" / config)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "is valid" in result.stderr + result.stdout


def test_a_node_without_its_role_passwords_refuses_to_start(monkeypatch):
    for role in ROLES:
        monkeypatch.delenv(f"NATS_{role}_PASSWORD", raising=False)
    result = subprocess.run(
        [EmbeddedNats.binary(), "-t", "-c", str(CLUSTER / "nats-1.conf")], capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "NATS_" in result.stderr


def test_the_compose_cluster_profile_runs_the_three_node_configurations():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for node in ("nats-1", "nats-2", "nats-3"):
        assert services[node]["profiles"] == ["cluster"]
        assert services[node]["command"] == ["-c", f"/etc/nats/{node}.conf"]
        assert (CLUSTER / f"{node}.conf").exists()


async def _try_publish(url: str, user: str, password: str, subject: str) -> bool:
    """Whether a JetStream publish of ``user`` to ``subject`` is stored (acknowledged)."""
    client = await nats.connect(url, user=user, password=password, error_cb=_ignore, allow_reconnect=False)
    try:
        await client.jetstream().publish(subject, b'{"tick":0}', timeout=2)
        return True
    except (nats.errors.TimeoutError, nats.errors.NoRespondersError, nats.js.errors.NoStreamResponseError):
        return False
    finally:
        await client.close()


async def _ignore(error: Exception) -> None:  # a refused publish is reported here as a permissions violation
    return None


async def _roles_and_refusals(url: str, passwords: dict[str, str]) -> dict[tuple[str, str], bool]:
    admin = await nats.connect(url, user="admin", password=passwords["ADMIN"])
    try:
        await admin.jetstream().add_stream(StreamConfig(name="GAME_EVENTS", subjects=["game.>"]))
    finally:
        await admin.close()
    outcomes = {}
    for user, role, subject in [
        ("game-server", "GAME_SERVER", "game.room-1.events"),
        ("game-server", "GAME_SERVER", "game.room-1.moments"),
        ("detector", "DETECTOR", "game.room-1.moments"),
        ("detector", "DETECTOR", "game.room-1.events"),
        ("web", "WEB", "game.room-1.events"),
        ("projector", "PROJECTOR", "game.room-1.events"),
    ]:
        outcomes[(user, subject)] = await _try_publish(url, user, passwords[role], subject)
    return outcomes


@pytest.mark.slow
def test_only_game_servers_publish_events_and_only_the_detector_publishes_moments(authorized_nats, role_passwords):
    outcomes = asyncio.run(_roles_and_refusals(authorized_nats.url, role_passwords))
    assert outcomes == {
        ("game-server", "game.room-1.events"): True,
        ("game-server", "game.room-1.moments"): False,  # a game server publishing a moment is refused
        ("detector", "game.room-1.moments"): True,
        ("detector", "game.room-1.events"): False,
        ("web", "game.room-1.events"): False,
        ("projector", "game.room-1.events"): False,
    }
