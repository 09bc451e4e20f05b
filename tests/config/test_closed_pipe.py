"""Commands that write to standard output end quietly when the reader goes away (`manage.py replay
ROOM | head`): no traceback, the shell's status for a writer stopped by SIGPIPE."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.streaming.factories import match_events
from tests.support import publish_match, subprocess_env

ROOT = Path(__file__).resolve().parents[2]


def run_with_the_reader_gone(*arguments: str, env: dict[str, str]) -> tuple[int, str]:
    process = subprocess.Popen(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # the reader is gone before the first line: every write finds a closed pipe
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr.decode()


@pytest.mark.django_db(transaction=True)
def test_replay_into_a_closed_pipe_ends_quietly(stream):
    publish_match("room-pipe", match_events("room-pipe", index=0))
    status, stderr = run_with_the_reader_gone("replay", "room-pipe", env=subprocess_env())
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert status == 141
    assert "room room-pipe: the latest finished match" in stderr  # it did run up to its output


@pytest.mark.parametrize("command", [["diffsettings"], ["showmigrations"]])
def test_any_command_into_a_closed_pipe_ends_quietly(command, django_db_setup):
    status, stderr = run_with_the_reader_gone(*command, env=subprocess_env())
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert status == 141
