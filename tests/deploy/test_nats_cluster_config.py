"""deploy/nats-cluster/: loaded by a real nats-server, and its users allowed only what their role needs."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

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
        assert services[node]["entrypoint"] == ["/bin/sh", "/etc/nats/start-node.sh"]
        assert services[node]["command"] == ["-c", f"/etc/nats/{node}.conf"]
        assert (CLUSTER / f"{node}.conf").exists()


def start_node(tmp_path: Path, passwords: dict[str, str]) -> subprocess.CompletedProcess:
    """deploy/nats-cluster/start-node.sh as compose runs it, nats-server checking nats-1's configuration."""
    (tmp_path / "nats-server").symlink_to(EmbeddedNats.binary())
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", **{f"NATS_{role}_PASSWORD": value for role, value in passwords.items()}}
    script, config = CLUSTER / "start-node.sh", CLUSTER / "nats-1.conf"
    return subprocess.run(["/bin/sh", str(script), "-t", "-c", str(config)], capture_output=True, text=True, env=env)


def test_a_compose_node_with_every_password_starts_and_one_left_empty_refuses(tmp_path):
    # compose's ${NATS_..._PASSWORD:-} sets an empty value, which nats-server itself takes: the user
    # would open with an empty password.
    given = {role: f"pw-{role.lower()}" for role in ROLES}
    for folder in ("all", "one-empty"):
        (tmp_path / folder).mkdir()
    started = start_node(tmp_path / "all", given)
    assert started.returncode == 0, started.stderr
    assert "is valid" in started.stderr + started.stdout
    refused = start_node(tmp_path / "one-empty", {**given, "ARCHIVER": ""})
    assert refused.returncode == 1
    assert "NATS_ARCHIVER_PASSWORD" in refused.stderr and "NATS_ADMIN_PASSWORD" not in refused.stderr
    assert "is valid" not in refused.stderr + refused.stdout  # nats-server never ran


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
