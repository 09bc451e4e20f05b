"""Several projectors on one host (docs/operations.md): `run_projector --instance N`, as
tetris-history-projector@N runs it, serves its metrics on PROJECTOR_METRICS_PORT + N.
"""

from __future__ import annotations

import io
import socket
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from history.models import Match
from tests.ops.test_consumer_metrics import Process, scrape, scrape_or_empty, settled
from tests.ops.test_json_logs import free_port
from tests.support import stored_game_events, subprocess_env, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

DURABLE = "match-projector"


def two_free_ports() -> int:
    """A port P such that P and P + 1 are both free."""
    while True:
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


def test_two_projectors_on_one_host_each_serve_their_instances_port_while_projecting(stream, tmp_path):
    base = two_free_ports()
    env = {**subprocess_env(), "PROJECTOR_METRICS_PORT": str(base)}
    with (
        Process(["run_projector", "--instance", "0"], env, tmp_path / "projector-0.log"),
        Process(["run_projector", "--instance", "1"], env, tmp_path / "projector-1.log"),
    ):
        ports = (base, base + 1)
        wait_until(lambda: all(scrape_or_empty(port) for port in ports), timeout=60, interval=0.2)
        call_command("simulate", rooms=4, matches=3, players=2, seed="15", stdout=io.StringIO(), stderr=io.StringIO())
        events = len(stored_game_events())
        wait_until(lambda: sum(settled(scrape(port), DURABLE, "ack") for port in ports) == events, timeout=120)
        first, second = (scrape(port) for port in ports)

    assert Match.objects.count() == 12
    # Both projected (they share the durable), each port its own process's counts, together the rows.
    assert settled(first, DURABLE, "ack") > 0 and settled(second, DURABLE, "ack") > 0
    projected = [samples[("matches_projected_total", frozenset())] for samples in (first, second)]
    assert sum(projected) == Match.objects.count()


def test_a_port_in_use_stops_a_projector_instance_naming_the_setting_and_its_instance(stream):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "manage.py", "run_projector", "--instance", "2"],
            env={**subprocess_env(), "PROJECTOR_METRICS_PORT": str(port - 2)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert f"PROJECTOR_METRICS_PORT {port - 2} + instance 2" in result.stderr
    assert f":{port}," in result.stderr


@pytest.mark.parametrize("instance", ["-1", "one", "1.5", "", "²"])
def test_an_instance_that_is_not_a_non_negative_integer_is_refused(instance):
    with pytest.raises(CommandError, match="--instance: must be a non-negative integer"):
        call_command("run_projector", "--instance", instance)
