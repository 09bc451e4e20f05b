"""schemathesis, every check, over the live stack: gunicorn on the real PostgreSQL and NATS, a signed-in
user with matches of their own (one replayable from the stream), and the schema's links followed in
its stateful phase, so that match ids are real. The schema must describe every answer and constraint."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from devtools.embedded import free_port, port_is_open
from tests.history.factories import match_create, user_create
from tests.streaming.factories import BASE_TIME, match_events
from tests.support import publish_match, subprocess_env

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_schemathesis_finds_no_failure_of_any_check(stream, tmp_path):
    player = user_create(username="fuzzed-player")
    publish_match("room-s", match_events("room-s", players=[str(player.id), "guest-s"], started_at=BASE_TIME))
    match_create(users=[player, None], room_id="room-s", started_at=BASE_TIME)
    match_create(users=[player, None])  # one whose events the stream no longer holds: its replay is 410
    port = free_port()
    # No throttle: thousands of requests from one address would be answered 429 (documented) and test
    # nothing else.
    env = {**subprocess_env(), "AUTH_THROTTLE_RATE": "", "PUBLIC_THROTTLE_RATE": ""}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "gunicorn.log", "wb"),  # noqa: SIM115 (closed with the process)
    )
    try:
        deadline = time.monotonic() + 90
        while not port_is_open(port):
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not start within 90 s"
            time.sleep(0.2)
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "--config-file",
                str(CONFIG),
                "run",
                f"http://127.0.0.1:{port}/api/schema",
                "--checks",
                "all",
                "--header",
                f"Authorization: Bearer {AccessToken.for_user(player)}",
                "--header",  # the session routes answer only the site's own pages
                f"Origin: http://127.0.0.1:{port}",
                "--max-examples",
                "8",
                "--seed",
                "15",
                "--workers",
                "1",
                "--no-color",
            ],
            cwd=tmp_path,  # its cache folder, .schemathesis/, stays out of the checkout
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    summary = run.stdout[-6000:]
    assert run.returncode == 0, summary
    # every operation: issue 27's six, issue 29's two and the live routes' five among them
    assert "Tested: 30" in run.stdout, summary
