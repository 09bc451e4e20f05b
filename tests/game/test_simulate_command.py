"""manage.py simulate: its options, the demo users, the progress and the closing summary."""

from __future__ import annotations

import io
import logging
import os
import re
import signal
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper

from game import simulated_run
from game.management.commands import simulate
from tests.streaming.stall_proxy import StallProxy
from tests.support import subprocess_env, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rooms": 0}, "--rooms must be a whole number of at least 1"),
        ({"rooms": -2}, "--rooms"),
        ({"matches": 0}, "--matches"),
        ({"players": 1}, "--players must be between 2 and 16"),
        ({"players": 40}, "--players must be between 2 and 16"),
        ({"speed": "ludicrous"}, "--speed must be realtime or fast"),
        ({"seed": "abc"}, "--seed must be a whole number"),
        ({"seed": "-3"}, "--seed must not be negative"),
        ({"demo": True, "speed": "fast"}, "--demo always plays in real time"),
        ({"room_prefix": "a.b"}, "--room-prefix 'a.b' gives a bad room id"),
        ({"tournament_id": ""}, "--tournament-id must be 1-128 characters"),
    ],
)
def test_bad_options_are_command_errors(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("simulate", **options)


def test_without_nats_the_matches_are_played_and_the_summary_says_nothing_was_published(settings):
    settings.NATS_ENABLED = False
    out, err = io.StringIO(), io.StringIO()
    call_command("simulate", rooms=2, matches=2, players=2, seed="7", stdout=out, stderr=err)
    summary = out.getvalue()
    assert "simulated 4 matches in 2 rooms (2 players each, seed 7)" in summary
    assert "events/s" in summary
    assert "publisher: disabled (NATS_ENABLED=false)" in summary
    # Not a terminal: a plain progress line per tenth of the run, the last one at 4/4.
    assert err.getvalue().splitlines()[-1].startswith("4/4 matches, ")


def test_demo_users_are_created_once_with_unusable_passwords(settings, django_user_model):
    settings.NATS_ENABLED = False
    for _ in range(2):
        call_command("simulate", rooms=1, matches=1, players=2, seed=1, stdout=io.StringIO(), stderr=io.StringIO())
    users = django_user_model.objects.filter(username__startswith="demo-").order_by("username")
    assert [u.username for u in users] == ["demo-1", "demo-2", "demo-3", "demo-4"]
    assert not any(u.has_usable_password() for u in users)


def test_the_summary_counts_what_the_publisher_stored(stream):
    out = io.StringIO()
    call_command("simulate", rooms=2, matches=1, players=2, seed=3, stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    events = int(lines[0].split(": ")[1].split(" events")[0].replace(",", ""))
    assert lines[1] == f"publisher: published {events:,}, dropped 0, not stored 0"


def test_an_unreachable_nats_is_a_command_error(settings, monkeypatch):
    monkeypatch.setattr(simulated_run, "SETUP_TIMEOUT_SECONDS", 0.5)
    settings.NATS_SERVERS = ["nats://127.0.0.1:1"]
    with pytest.raises(CommandError, match=r"NATS at nats://127\.0\.0\.1:1 is unreachable"):
        call_command("simulate", rooms=1, matches=1, stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.slow
def test_demo_plays_until_sigterm_then_flushes_and_exits_0(stream, tmp_path):
    env = subprocess_env()
    env["NATS_URL"] = ",".join(settings.NATS_SERVERS)
    err_path = tmp_path / "stderr.log"
    with open(err_path, "w") as err_file:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "simulate", "--demo", "--rooms", "2", "--seed", "5"],
            env=env,
            cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
            stdout=subprocess.PIPE,
            stderr=err_file,
            text=True,
        )
    try:
        # Its signal handlers are in place once it says it plays (a loaded machine takes seconds to start).
        wait_until(lambda: "playing until SIGTERM" in err_path.read_text(), timeout=60, interval=0.1)
        time.sleep(1)  # a second into the first real-time matches
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
        err = err_path.read_text()
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "simulated 2 matches in 2 rooms" in out  # the matches in hand were finished, not dropped
    assert "dropped 0, not stored 0" in out
    assert "match played room_id=demo-room-" in err


def test_events_left_unstored_at_the_end_are_a_command_error_naming_their_matches(
    stream, test_servers, settings, monkeypatch, caplog
):
    # NATS answers the setup, then stops answering (a stalled proxy) before the first event: nothing is stored.
    proxy = StallProxy(test_servers.nats.url)
    proxy.forward()
    settings.NATS_SERVERS = [proxy.url]
    real_ensure_stream = simulated_run._ensure_stream

    async def ensure_stream_then_stall(servers):
        await real_ensure_stream(servers)
        proxy.stall()

    monkeypatch.setattr(simulated_run, "_ensure_stream", ensure_stream_then_stall)
    out, err = io.StringIO(), io.StringIO()
    try:
        started = time.monotonic()
        with pytest.raises(CommandError) as raised, caplog.at_level(logging.INFO, logger="game.simulate"):
            call_command("simulate", rooms=2, matches=1, players=2, seed=1, flush_timeout=0.5, stdout=out, stderr=err)
        assert time.monotonic() - started < 40
    finally:
        proxy.close()
    played = re.findall(r"match played room_id=(\S+) started_at=(\S+) events=(\d+)", caplog.text)
    message = str(raised.value)
    events = sum(int(count) for _, _, count in played)
    assert message.startswith(f"{events:,} events were not stored in GAME_EVENTS within 0.5 s of the end of play")
    assert "These 2 matches are incomplete in the stream" in message
    for room, started_at, _ in played:
        assert f"room {room} started_at {started_at}" in message
    assert f"not stored {events:,}" in out.getvalue()  # the summary still tells what happened


def test_progress_is_one_bar_redrawn_in_place_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    progress = simulate.Progress(OutputWrapper(terminal), total=4)
    for _ in range(4):
        progress.update(SimpleNamespace(events=1_000))
    progress.close()
    text = terminal.getvalue()
    assert text.count("\r") == 4 and text.count("\n") == 1
    assert text.endswith(f"\r[{'#' * 30}] 4/4 matches, 4,000 events\n")
