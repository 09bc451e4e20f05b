"""The embedded NATS server of dev.py up: reused while it runs, stopped promptly by a later handle."""

from __future__ import annotations

import time

from devtools.embedded import EmbeddedNats, port_is_open


def test_a_running_server_is_reused_and_a_second_handle_stops_it_promptly(tmp_path):
    first = EmbeddedNats(tmp_path / "nats")
    url = first.start()
    pid = first._running_pid()

    # dev.py up makes a new handle on the same folder and port for each step, as a later run would.
    again = EmbeddedNats(tmp_path / "nats", first.port)
    assert again.start() == url
    assert again._running_pid() == pid

    started = time.monotonic()
    again.stop()
    took = time.monotonic() - started

    assert not port_is_open(first.port)
    assert not again.is_running()
    # The server is this process's child: unreaped, it would look alive until the 10 s stop timeout.
    assert took < 5, f"stopping took {took:.1f}s"
