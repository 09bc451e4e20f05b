"""LOG_FORMAT=json (docs/operations.md): real log lines of the projector, the detector, the web process and
gunicorn's access log parse as JSON and carry time, level, logger, message and their ids as keys."""

from __future__ import annotations

import json
import logging
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from config.logging import MOMENT_LOGGER, JsonLineFormatter, TextLineFormatter, logging_config
from history.models import Match
from tests.streaming.factories import match_events
from tests.support import publish_match, subprocess_env, wait_until

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def record(message: str = "match projected", **extra) -> logging.LogRecord:
    line = logging.LogRecord("streaming.projector", logging.INFO, __file__, 1, message, (), None)
    line.__dict__.update(extra)
    return line


def json_lines(path: Path) -> list[dict]:
    lines = []
    for text in path.read_text().splitlines():
        if text.strip():
            lines.append(json.loads(text))  # every line parses, or the test fails here
    return lines


def assert_spec_keys(line: dict) -> None:
    assert TIME.match(line["time"]), line
    assert line["level"] in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
    assert line["logger"] and isinstance(line["message"], str)


def test_a_json_line_has_the_spec_keys_and_the_ids_as_its_own_keys():
    line = json.loads(JsonLineFormatter().format(record(room_id="r1", stream_seq=7, match_id="m-1")))
    assert_spec_keys(line)
    assert (line["logger"], line["level"], line["message"]) == ("streaming.projector", "INFO", "match projected")
    assert (line["room_id"], line["stream_seq"], line["match_id"]) == ("r1", 7, "m-1")


def test_a_text_line_shows_the_ids_after_the_message():
    text = TextLineFormatter().format(record(room_id="r1", stream_seq=7))
    assert text.endswith("INFO streaming.projector match projected room_id=r1 stream_seq=7")


def test_an_unknown_log_format_is_refused_naming_the_setting():
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config(log_format="xml")


def test_moment_log_level_turns_the_moment_lines_down_and_keeps_the_match_lines():
    config = logging_config(log_format="json", moment_level="WARNING")
    assert config["loggers"][MOMENT_LOGGER]["level"] == "WARNING"
    assert config["loggers"]["streaming"]["level"] == "INFO"
    from logging.config import dictConfig

    from django.conf import settings

    try:
        dictConfig(config)
        assert not logging.getLogger(MOMENT_LOGGER).isEnabledFor(logging.INFO)
        assert logging.getLogger("streaming.projector").isEnabledFor(logging.INFO)
    finally:
        dictConfig(settings.LOGGING)


def run_until(args: list[str], log: Path, env: dict, done) -> None:
    with open(log, "ab") as out:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=out)
    try:
        wait_until(done, timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()


@pytest.mark.django_db(transaction=True)
def test_projector_and_detector_write_json_lines_with_their_ids(stream, tmp_path):
    events = match_events("room-7", players=["p1", "p2"])
    seqs = publish_match("room-7", events)
    env = {**subprocess_env(), "LOG_FORMAT": "json"}
    projector_log = tmp_path / "projector.log"
    run_until([sys.executable, "manage.py", "run_projector"], projector_log, env, lambda: Match.objects.count() == 1)
    lines = json_lines(projector_log)
    for line in lines:
        assert_spec_keys(line)
    projected = next(line for line in lines if line["message"].startswith("match projected"))
    match = Match.objects.get()
    assert projected["match_id"] == str(match.id)
    assert projected["room_id"] == "room-7"
    assert projected["started_at"] == match.started_at.isoformat()
    assert projected["stream_seq"] == seqs[-1]
    assert "room_id=" not in projected["message"]

    detector_log = tmp_path / "detector.log"
    run_until(
        [sys.executable, "manage.py", "run_moment_detector"],
        detector_log,
        env,
        lambda: "consumer created" in detector_log.read_text() or "moment published" in detector_log.read_text(),
    )
    lines = json_lines(detector_log)
    assert lines
    for line in lines:
        assert_spec_keys(line)
    assert any(line["logger"].startswith("streaming") for line in lines)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_gunicorn_and_the_web_process_write_json_lines(stream, tmp_path):
    port = free_port()
    log = tmp_path / "web.log"
    env = {**subprocess_env(), "LOG_FORMAT": "json"}
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn", "config.wsgi",
             "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env, stdout=out, stderr=out,
        )  # fmt: skip
    try:

        def answers() -> bool:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/events/schema", timeout=2).close()
            except OSError:
                return False
            return True

        wait_until(answers, timeout=60)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/no-such-route", timeout=5)
        except urllib.error.HTTPError as error:
            assert error.code == 404
        wait_until(lambda: "no-such-route" in log.read_text() and "Not Found" in log.read_text(), timeout=20)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    lines = json_lines(log)
    for line in lines:
        assert_spec_keys(line)
    loggers = {line["logger"] for line in lines}
    assert {"gunicorn.error", "gunicorn.access", "django.request"} <= loggers
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert any("GET /api/events/schema" in line["message"] for line in access)
