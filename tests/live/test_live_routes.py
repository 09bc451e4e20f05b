"""The live routes on the real stack (docs/api.md, live): gunicorn with uvicorn's workers, NATS, the
projector and the key moment detector, matches from the simulation published at a game's pace."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken

from game.simulation import simulate_match_events
from history.models import Match
from history.projector import MatchProjector
from moments.consumer import MomentDetector
from tests.conftest import reset_stream
from tests.live.conftest import asgi_serving
from tests.live.sse_client import Message, SseStream, open_stream
from tests.solo.recorded_runs import recorded_runs
from tests.support import BackgroundConsumer, publish_match, run_async, subprocess_env, wait_until, with_jetstream

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

QUEUE = 300


@pytest.fixture(scope="module", autouse=True)
def one_worker():
    """Every test of the module on one pytest-xdist worker (devtools/pytest_servers.py groups the tests
    of a module's fixture): the test that stops a worker starts a gunicorn of its own, which beside the
    module's would starve the slow-viewer test's fast viewer on two cores."""
    yield


@pytest.fixture(scope="module")
def live_port(test_servers, django_db_setup):
    # One stream for the module: the server's subscriptions follow it (a stream deleted under them
    # would restart its sequences); each test plays in rooms of its own.
    run_async(reset_stream())
    env = {**subprocess_env(), "NATS_URL": test_servers.nats.url, "LIVE_QUEUE_MESSAGES": str(QUEUE)}
    with asgi_serving(env) as (port, _process):
        yield port


@pytest.fixture
def nats_here(test_servers, settings):
    settings.NATS_SERVERS = [test_servers.nats.url]


def match_events(room_id: str, seed: int, registered: tuple[str, ...] = ()) -> list[tuple[dict, str]]:
    started = datetime.now(UTC) - timedelta(seconds=1)
    return simulate_match_events(room_id, index=0, seed=seed, players=2, registered=registered, started_at=started)


def publish_paced(room_id: str, events: list[tuple[dict, str]], *, chunk: int = 20, pause: float = 0.01) -> None:
    for start in range(0, len(events), chunk):
        publish_match(room_id, events[start : start + chunk])
        time.sleep(pause)


def stored_room(room_id: str) -> list[tuple[int, str, str]]:
    """(sequence, SSE event name, data) of every stored message of the room, in stream order."""

    async def read(js):
        last = (await js.stream_info(settings.GAME_EVENTS_STREAM)).state.last_seq
        found = []
        for seq in range(1, last + 1):
            message = await js.get_msg(settings.GAME_EVENTS_STREAM, seq)
            if message.subject in (f"game.{room_id}.events", f"game.{room_id}.moments"):
                event = json.loads(message.data)
                name = "moment" if message.subject.endswith(".moments") else event["type"]
                found.append((seq, name, message.data.decode()))
        return found

    return run_async(with_jetstream(read))


def test_viewers_get_the_match_in_order_once_and_a_resumed_one_the_rest_exactly(live_port, nats_here):
    room = "live-watch-1"
    events = match_events(room, seed=281)
    assert len(events) > 200
    with BackgroundConsumer(MomentDetector()), BackgroundConsumer(MatchProjector()):
        publish_match(room, events[:50])
        watcher = open_stream(live_port, f"/api/live/rooms/{room}")
        assert watcher.status == 200
        assert watcher.response.headers["Content-Type"].startswith("text/event-stream")
        assert watcher.response.headers["X-Accel-Buffering"] == "no"
        leaver = open_stream(live_port, f"/api/live/rooms/{room}")
        first_part = [leaver.next() for _ in range(30)]
        leaver.close()
        rest = threading.Thread(target=publish_paced, args=(room, events[50:]))
        rest.start()
        watched = watcher.read_until("end")
        rest.join()
        resumed = open_stream(live_port, f"/api/live/rooms/{room}", last_event_id=first_part[-1].id)
        assert resumed.status == 200
        rest_of_it = resumed.read_until("end")
    assert watched[-1].event == "end" and resumed.ended is False
    assert watched[-1].value["match_id"] == str(Match.objects.get(room_id=room).id)
    stored = stored_room(room)
    seen = [(m.id, m.event, m.data) for m in watched[:-1]]
    assert seen == stored, "the stream of the room: every stored event and moment, in order, once"
    assert any(name == "moment" for _, name, _ in stored), "the detector's moments are among them"
    again = [(m.id, m.event, m.data) for m in first_part + rest_of_it[:-1]]
    assert again == stored, "disconnected and resumed with Last-Event-ID: the rest, exactly once"


def test_the_live_list_shows_a_match_from_its_start_to_its_end(live_port, nats_here):
    room = "live-list-1"
    events = match_events(room, seed=282)
    listing = open_stream(live_port, "/api/live/matches/stream")
    snapshot = listing.next()
    assert snapshot.event == "snapshot" and room not in {row["room_id"] for row in snapshot.value}
    publish_match(room, events[:30])
    started = listing.read_until("match_started")[-1]
    assert started.value["room_id"] == room and started.value["match_id"] is None
    rows = json.loads(_get(live_port, "/api/live/matches"))
    [row] = [row for row in rows if row["room_id"] == room]
    assert row["started_at"] == events[0][0]["data"]["started_at"] and row["mode"] == "multiplayer"
    assert [player["player_id"] for player in row["players"]] == [
        player["player_id"] for player in events[0][0]["data"]["players"]
    ]
    with BackgroundConsumer(MatchProjector()):
        publish_match(room, events[30:])
        ended = listing.read_until("match_ended")[-1]
    assert ended.value["room_id"] == room
    assert ended.value["match_id"] == str(Match.objects.get(room_id=room).id), "said once projected"
    assert room not in {row["room_id"] for row in json.loads(_get(live_port, "/api/live/matches"))}
    assert _status(live_port, f"/api/live/rooms/{room}") == 404, "an ended match is not live"
    listing.close()


def test_a_slow_viewer_is_dropped_while_a_fast_one_keeps_up(live_port, nats_here):
    room = "live-slow-1"
    # Fields beyond the contract's are allowed and ignored (docs/contract.md): 16 KB each make the match
    # (834 events) outgrow what the sockets' buffers hold for a client that stops reading (the server's
    # send buffer grows to 4 MB on Linux, about 250 of them) by more than the QUEUE bound, however the
    # flushes batch them.
    events = [({**event, "padding": "x" * 16_000}, msg_id) for event, msg_id in match_events(room, seed=283)]
    publish_match(room, events[:1])
    slow = open_stream(live_port, f"/api/live/rooms/{room}", receive_buffer=4096)
    fast = open_stream(live_port, f"/api/live/rooms/{room}")
    assert slow.next().event == "game_start" and fast.next().event == "game_start"
    rest = threading.Thread(target=publish_paced, args=(room, events[1:]), kwargs={"chunk": 50, "pause": 0.005})
    rest.start()
    fast_seen = fast.read_until("game_end")
    rest.join()
    assert fast_seen[-1].event == "game_end" and len(fast_seen) >= len(events) - 1
    slow_seen = slow.read_until("end")
    assert slow.ended and not any(m.event in ("game_end", "end") for m in slow_seen), "the slow one was cut off"
    # It resumes from what it had, the way a browser's reader does.
    resumed = open_stream(live_port, f"/api/live/rooms/{room}", last_event_id=slow.last_id)
    assert resumed.read_until("game_end")[-1].event == "game_end"


DELAY = 1.5


@pytest.fixture(scope="module")
def delayed_port(test_servers, live_port):
    """A second web process on the same NATS, holding every live event back LIVE_DELAY_SECONDS."""
    env = {**subprocess_env(), "NATS_URL": test_servers.nats.url, "LIVE_DELAY_SECONDS": str(DELAY)}
    with asgi_serving(env) as (port, _process):
        yield port


def test_the_21st_stream_from_one_address_is_refused_across_web_processes(live_port, delayed_port, nats_here):
    # Ten on each of two web processes (their own workers, their own counts): the limit is the address's.
    streams = [open_stream(port, "/api/live/matches/stream") for port in (live_port, delayed_port) for _ in range(10)]
    try:
        assert all(stream.status == 200 for stream in streams)
        assert _status(live_port, "/api/live/matches/stream") == 429
        assert _status(delayed_port, "/api/live/matches/stream") == 429
        streams.pop().close()
        wait_until(lambda: _status(live_port, "/api/live/matches/stream") == 200, timeout=10)
    finally:
        for stream in streams:
            stream.close()


def test_live_delay_seconds_holds_every_event_back(delayed_port, nats_here):
    room = "live-delay-1"
    events = match_events(room, seed=287)
    published_at = time.time()
    publish_match(room, events[:20])
    wait_until(lambda: _status(delayed_port, f"/api/live/rooms/{room}") == 200, timeout=10, interval=0.05)
    assert time.time() - published_at >= DELAY, "the match is not live until its game_start is DELAY old"
    viewer = open_stream(delayed_port, f"/api/live/rooms/{room}")
    backlog = [viewer.next().event for _ in range(20)]
    assert backlog[0] == "game_start"
    published_at = time.time()
    publish_match(room, events[20:21])
    message = viewer.next()
    waited = time.time() - published_at
    assert message.event == events[20][0]["type"] and message.value == events[20][0]
    assert DELAY - 0.1 <= waited < DELAY + 1.0, f"held back {waited:.2f} s"
    viewer.close()


def test_a_players_new_match_reaches_their_own_stream_and_a_reconnect_gets_the_missed_one(
    live_port, nats_here, django_user_model
):
    user = django_user_model.objects.create_user(username="watcher", password="a-long-passphrase-1")
    token = f"Bearer {AccessToken.for_user(user)}"
    first, second = ("live-notify-1", 284), ("live-notify-2", 286)
    mine = open_stream(live_port, "/api/me/events", Authorization=token)
    assert mine.status == 200
    assert _status(live_port, "/api/me/events") == 401
    publish_match(first[0], match_events(first[0], seed=first[1], registered=(str(user.pk),)))
    with BackgroundConsumer(MatchProjector()):
        wait_until(lambda: Match.objects.filter(room_id=first[0]).exists(), timeout=30)
        recorded_at = time.monotonic()
        message = mine.next()
        assert time.monotonic() - recorded_at < 1.0
        mine.close()
        # Recorded while the player's page is away: its reconnect (Last-Event-ID) hears of it.
        publish_match(second[0], match_events(second[0], seed=second[1], registered=(str(user.pk),)))
        wait_until(lambda: Match.objects.filter(room_id=second[0]).exists(), timeout=30)
    assert message.event == "match_recorded" and message.id is not None
    assert message.value == {"match_id": str(Match.objects.get(room_id=first[0]).id)}
    back = open_stream(live_port, "/api/me/events", last_event_id=message.id, Authorization=token)
    missed = back.next()
    assert missed.event == "match_recorded" and missed.id > message.id
    assert missed.value == {"match_id": str(Match.objects.get(room_id=second[0]).id)}, "the missed one, not the seen"
    back.close()


def test_a_verified_solo_run_under_uvicorn_workers_is_replayed_recorded_and_told(
    live_port, nats_here, django_user_model, tmp_path
):
    """The solo verifier (solo/verifier.py: a Node worker the web process starts on first use) runs
    under gunicorn's uvicorn workers too, a sync route on a2wsgi's threads (config/asgi.py); the
    player's own stream hears the result (live/notify.py)."""
    import http.client

    recorded = next(r for r in recorded_runs(tmp_path, 1, 40) if r["run"]["mode"] == "sprint")
    live = recorded["live"]
    figures = {name: live[name] for name in ("score", "lines_cleared", "level", "pieces_placed", "duration_ms")}
    user = django_user_model.objects.create_user(username="uvicorn-sprinter", password="a-long-passphrase-1")
    token = f"Bearer {AccessToken.for_user(user)}"
    mine = open_stream(live_port, "/api/me/events", Authorization=token)
    assert mine.status == 200
    connection = http.client.HTTPConnection("127.0.0.1", live_port, timeout=60)
    body = json.dumps({**figures, "replay": recorded["run"]})
    connection.request(
        "POST", "/api/solo_results", body=body, headers={"Authorization": token, "Content-Type": "application/json"}
    )
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    assert response.status == 201, answer
    assert answer["verified"] is True and answer["solo_mode"] == "sprint"
    message = mine.next()
    assert message.event == "match_recorded"
    assert message.value == {"match_id": answer["id"]}
    mine.close()


def _get(port: int, path: str) -> bytes:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    body = connection.getresponse().read()
    connection.close()
    return body


def _status(port: int, path: str) -> int:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.usefixtures("live_port")  # the module's stream, made by its fixture
def test_a_worker_stopped_mid_match_ends_its_streams_and_the_viewer_resumes_on_the_next(test_servers, nats_here):
    gone = _worker_gone_mid_match(test_servers, "live-restart-1", seed=285, signum=signal.SIGTERM)
    assert gone.viewer.ended and gone.ended_in < 4, "the stream ends at once, not at the timeout"
    assert gone.viewer.retries[-1] == 1000 and len(gone.viewer.retries) == 2, "told to reconnect"
    assert gone.seen == stored_room("live-restart-1"), "nothing missed, nothing twice, across the restart"


@pytest.mark.usefixtures("live_port")  # the module's stream, made by its fixture
def test_a_worker_killed_mid_match_loses_its_streams_and_the_viewer_resumes_on_the_next(test_servers, nats_here):
    """SIGKILL: no retry hint, the connection just drops; a browser's EventSource reconnects after the
    retry it was given at the start, with Last-Event-ID, to whichever worker answers."""
    gone = _worker_gone_mid_match(test_servers, "live-kill-1", seed=286, signum=signal.SIGKILL)
    assert not any(m.event in ("game_end", "end") for m in gone.rest_of_first)
    assert gone.viewer.retries == [1000], "given at the start only: the worker had no time to say more"
    assert gone.seen == stored_room("live-kill-1"), "nothing missed, nothing twice, across the kill"


@dataclass
class _WorkerGone:
    viewer: SseStream  # the stream the worker served
    ended_in: float  # seconds from the signal to that stream's end
    rest_of_first: list[Message]  # what it had after the signal
    seen: list[tuple[int | None, str, str]]  # every message of both streams, the resumed one's `end` left out


def _worker_gone_mid_match(test_servers, room: str, *, seed: int, signum: int) -> _WorkerGone:
    """A match half published and watched on gunicorn's one worker, the worker sent ``signum``; once gunicorn
    has started the next, the rest published and the viewer resumed there with Last-Event-ID."""
    events = match_events(room, seed=seed)
    env = {**subprocess_env(), "NATS_URL": test_servers.nats.url}
    with asgi_serving(env) as (port, master), BackgroundConsumer(MomentDetector()):
        publish_match(room, events[:100])
        viewer = open_stream(port, f"/api/live/rooms/{room}")
        before = [viewer.next() for _ in range(50)]
        [worker] = _children(master.pid)
        signalled_at = time.monotonic()
        os.kill(worker, signum)
        rest_of_first = []
        with contextlib.suppress(http.client.HTTPException, ConnectionError):  # a killed worker's connection drops
            rest_of_first = viewer.read_until("end")
        ended_in = time.monotonic() - signalled_at
        wait_until(lambda: _children(master.pid) and _children(master.pid) != [worker], timeout=60)
        publish_paced(room, events[100:])
        resumed = open_stream(port, f"/api/live/rooms/{room}", last_event_id=viewer.last_id)
        rest = resumed.read_until("end")
    assert rest[-1].event == "end"
    seen = [(m.id, m.event, m.data) for m in before + rest_of_first + rest[:-1]]
    return _WorkerGone(viewer, ended_in, rest_of_first, seen)


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_the_status_figures_stream_to_staff_only(live_port, nats_here, django_user_model):
    staff = django_user_model.objects.create_user(username="operator", password="a-long-passphrase-2", is_staff=True)
    player = django_user_model.objects.create_user(username="player", password="a-long-passphrase-3")
    figures = open_stream(live_port, "/api/live/status", Authorization=f"Bearer {AccessToken.for_user(staff)}")
    first = figures.next()
    assert first.event == "status"
    [stream] = [row for row in first.value["streams"] if row["name"] == settings.GAME_EVENTS_STREAM]
    assert stream["messages"] > 0 and stream["last_seq"] >= stream["messages"]
    started = time.monotonic()
    assert figures.next().event == "status" and time.monotonic() - started < 4, "every 2 s"
    figures.close()
    refused = open_stream(live_port, "/api/live/status", Authorization=f"Bearer {AccessToken.for_user(player)}")
    assert refused.status == 403
    assert _status(live_port, "/api/live/status") == 401


@pytest.mark.parametrize(
    "path", ["/api/live/matches/stream", "/api/live/rooms/r1", "/api/me/events", "/api/live/status"]
)
def test_a_wsgi_server_answers_the_streams_503_at_once(client, django_user_model, path):
    # runserver or a test's live server (tests/web's journeys open /api/me/events): never an endless
    # answer gathered by Django's WSGI handler, whose thread would outlive the process's exit.
    staff = django_user_model.objects.create_user(username="wsgi-staff", password="a-long-passphrase-4", is_staff=True)
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(staff)}")
    assert response.status_code == 503
    assert "ASGI" in response.json()["detail"]
    if path in ("/api/me/events", "/api/live/status"):
        assert client.get(path).status_code == 401, "a caller without a token is told to sign in first"


@pytest.mark.parametrize("path", ["/api/live/matches", "/api/live/matches/stream", "/api/me/events"])
def test_a_method_other_than_get_is_405_with_allow(client, path):
    response = client.post(path)
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert "not allowed" in response.json()["detail"]
