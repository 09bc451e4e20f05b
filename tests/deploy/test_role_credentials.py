"""Every process with its own NATS user (deploy/nats-cluster/authorization.conf): its job done, another's refused.

The processes are the real commands, run as the units and compose run them: setup_stream as admin,
simulate as a game server, the projector, two detector partitions, the web process's replay and
/healthz reads. Permissions do not depend on clustering, so one server with the production
authorization file stands in for the cluster's nodes.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys

import nats
import pytest
from django.test import Client
from nats.js.api import ConsumerConfig, RePublish, StreamConfig

from history.models import Match
from streaming.durables import PARTITIONED_STREAM
from tests.support import subprocess_env, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def manage(env: dict[str, str], url: str, *args: str, log=None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        env={**env, "NATS_URL": url},
        stdout=log or subprocess.PIPE,
        stderr=log or subprocess.STDOUT,
        text=True,
    )


def finished(process: subprocess.Popen, timeout: float = 120) -> str:
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output
    return output


async def _durables_done(url: str) -> bool:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        infos = [await js.consumer_info("GAME_EVENTS", "match-projector")]
        infos += [await js.consumer_info(PARTITIONED_STREAM, f"key-moment-detector-{i}") for i in range(2)]
        return all(info.num_pending == 0 and info.num_ack_pending == 0 for info in infos)
    except Exception:
        return False
    finally:
        await client.close()


async def _moments(url: str) -> int:
    client = await nats.connect(url)
    try:
        info = await client.jetstream().stream_info("GAME_EVENTS", subjects_filter="game.*.moments")
        return sum((info.state.subjects or {}).values())
    finally:
        await client.close()


def test_each_process_does_its_job_with_its_own_user(role_urls, tmp_path, settings):
    env = {**subprocess_env(), "MOMENT_DETECTOR_PARTITIONS": "2"}
    finished(manage(env, role_urls["ADMIN"], "setup_stream"))
    simulate = ("simulate", "--rooms", "3", "--matches", "1", "--seed", "5")
    played = finished(manage(env, role_urls["GAME_SERVER"], *simulate))
    assert "simulated 3 matches" in played and "dropped 0" in played
    logs = {name: open(tmp_path / f"{name}.log", "w") for name in ("projector", "detector-0", "detector-1")}  # noqa: SIM115
    consumers = [
        manage(env, role_urls["PROJECTOR"], "run_projector", log=logs["projector"]),
        manage(env, role_urls["DETECTOR"], "run_moment_detector", "--partition", "0", log=logs["detector-0"]),
        manage(env, role_urls["DETECTOR"], "run_moment_detector", "--partition", "1", log=logs["detector-1"]),
    ]
    try:
        wait_until(lambda: Match.objects.count() == 3, timeout=90)
        wait_until(lambda: asyncio.run(_durables_done(role_urls["ADMIN"])), timeout=90)
    finally:
        for process in consumers:
            process.send_signal(signal.SIGTERM)
        codes = [process.wait(timeout=30) for process in consumers]
        for log in logs.values():
            log.close()
    assert codes == [0, 0, 0], {name: (tmp_path / f"{name}.log").read_text()[-2000:] for name in logs}
    assert asyncio.run(_moments(role_urls["ADMIN"])) > 0
    assert "Permissions Violation" not in "".join((tmp_path / f"{name}.log").read_text() for name in logs)

    # The web process reads: a replay by direct get, and the consumers for /healthz.
    room = Match.objects.order_by("room_id").first().room_id
    replay = finished(manage(env, role_urls["WEB"], "replay", room))
    assert '"type":"game_start"' in replay.replace(" ", "") and '"type":"game_end"' in replay.replace(" ", "")
    settings.NATS_SERVERS = [role_urls["WEB"]]
    settings.MOMENT_DETECTOR_PARTITIONS = 2
    health = Client().get("/healthz").json()
    assert set(health["consumers"]) == {"match-projector", "key-moment-detector-0", "key-moment-detector-1"}
    assert all(consumer["stalled"] is False for consumer in health["consumers"].values()), health


async def _allowed(url: str, action) -> bool:
    """Whether the server lets ``action(client)`` through (a refused request is dropped: no answer, a timeout)."""
    client = await nats.connect(url, allow_reconnect=False, error_cb=_ignore)
    try:
        await action(client)
        return True
    except (nats.errors.TimeoutError, nats.errors.NoRespondersError, nats.js.errors.NoStreamResponseError):
        return False
    finally:
        await client.close()


async def _ignore(error: Exception) -> None:  # the permissions violation is reported here
    return None


def _publish(subject: str):
    return lambda client: client.jetstream(timeout=1).publish(subject, b"{}")


def _consumer(durable: str):
    config = ConsumerConfig(durable_name=durable, filter_subject="game.>")
    return lambda client: client.jetstream(timeout=1).add_consumer("GAME_EVENTS", config)


def _delete_stream(client):
    return client.jetstream(timeout=1).delete_stream("GAME_EVENTS")


def _direct_get(client):
    return client.request("$JS.API.DIRECT.GET.GAME_EVENTS", b'{"last_by_subj":"game.room-1.events"}', timeout=1)


def test_no_role_can_do_another_roles_job(role_urls):
    create = lambda client: client.jetstream().add_stream(name="GAME_EVENTS", subjects=["game.>"], allow_direct=True)  # noqa: E731
    assert asyncio.run(_allowed(role_urls["ADMIN"], create))
    assert asyncio.run(_allowed(role_urls["GAME_SERVER"], _publish("game.room-1.events")))
    attempts = {
        ("GAME_SERVER", "a moment"): _publish("game.room-1.moments"),
        ("GAME_SERVER", "a consumer"): _consumer("match-projector"),
        ("GAME_SERVER", "a replay read"): _direct_get,
        ("PROJECTOR", "an event"): _publish("game.room-1.events"),
        ("PROJECTOR", "a moment"): _publish("game.room-1.moments"),
        ("PROJECTOR", "the detector's consumer"): _consumer("key-moment-detector"),
        ("DETECTOR", "an event"): _publish("game.room-1.events"),
        ("DETECTOR", "deleting the stream"): _delete_stream,
        ("WEB", "an event"): _publish("game.room-1.events"),
        ("WEB", "a consumer"): _consumer("match-projector"),
        ("WEB", "deleting the stream"): _delete_stream,
    }
    allowed = {attempt: asyncio.run(_allowed(role_urls[attempt[0]], action)) for attempt, action in attempts.items()}
    assert [attempt for attempt, ok in allowed.items() if ok] == []
    # Each one's own job, for contrast: the same client code is let through.
    assert asyncio.run(_allowed(role_urls["DETECTOR"], _publish("game.room-1.moments")))
    assert asyncio.run(_allowed(role_urls["WEB"], _direct_get))
    assert asyncio.run(_allowed(role_urls["PROJECTOR"], _consumer("match-projector")))


def test_the_web_role_follows_a_room_live_and_hears_notifications_the_projector_sends(role_urls):
    """What the live routes do (live/feed.py, live/index.py, live/notify.py): a room's copies republished by
    the stream (live.game.{room}.*), an ordered consumer on the rooms' events (the live list), a
    subscription on notify.user.*; the projector publishes there. Neither gets a durable of another."""

    async def follow_and_hear() -> tuple[bytes, bytes, bytes]:
        admin = await nats.connect(role_urls["ADMIN"])
        config = StreamConfig(
            name="GAME_EVENTS",
            subjects=["game.>"],
            allow_direct=True,
            republish=RePublish(src="game.>", dest="live.game.>"),
        )
        try:
            await admin.jetstream().add_stream(config)
        except nats.js.errors.BadRequestError:  # there already, from another test
            await admin.jetstream().update_stream(config)
        await admin.close()
        web = await nats.connect(role_urls["WEB"], allow_reconnect=False, error_cb=_ignore)
        projector = await nats.connect(role_urls["PROJECTOR"], allow_reconnect=False, error_cb=_ignore)
        game = await nats.connect(role_urls["GAME_SERVER"], allow_reconnect=False, error_cb=_ignore)
        try:
            room = await web.jetstream().subscribe("game.*.events", stream="GAME_EVENTS", ordered_consumer=True)
            copies = await web.subscribe("live.game.live-room.*")
            heard = await web.subscribe("notify.user.*")
            await web.flush()  # its interest registered before the others publish
            await game.jetstream(timeout=2).publish("game.live-room.events", b'{"type":"game_start"}')
            await projector.publish("notify.user.u-1", b'{"match_id":"m"}')
            await projector.flush()
            messages = [await subscription.next_msg(timeout=5) for subscription in (room, copies, heard)]
            return messages[0].data, messages[1].data, messages[2].data
        finally:
            for client in (web, projector, game):
                await client.close()

    event, copy, notification = asyncio.run(follow_and_hear())
    assert event == copy == b'{"type":"game_start"}' and notification == b'{"match_id":"m"}'
    named = ConsumerConfig(name="match-projector", filter_subject="game.>")
    add_named = lambda client: client.jetstream(timeout=1).add_consumer("GAME_EVENTS", named)  # noqa: E731
    assert not asyncio.run(_allowed(role_urls["WEB"], add_named))


def test_the_roles_may_keep_notifications_counts_and_the_recorded_word(role_urls, settings):
    """What live/notify.py, live/mine.py and live/limits.py do under the roles' permissions: the projector
    makes LIVE_NOTIFY if missing and says live.recorded; the web process follows LIVE_NOTIFY with an ordered
    consumer, resumes by direct get, hears live.recorded and keeps its counts in the live_streams bucket."""
    from live.limits import AddressCounts
    from live.notify import NOTIFY_STREAM, RECORDED_SUBJECT, ensure_notify_stream
    from streaming.stream_reads import read_subject

    settings.GAME_EVENTS_REPLICAS = 1

    class _Hub:
        def __init__(self, client) -> None:
            self._client = client

        async def client(self):
            return self._client

    async def scenario() -> tuple[bytes, bytes, list[bytes], int]:
        projector = await nats.connect(role_urls["PROJECTOR"], allow_reconnect=False, error_cb=_ignore)
        web = await nats.connect(role_urls["WEB"], allow_reconnect=False, error_cb=_ignore)
        try:
            await ensure_notify_stream(projector.jetstream(timeout=2))
            await ensure_notify_stream(web.jetstream(timeout=2))  # there already: info only
            followed = await web.jetstream(timeout=2).subscribe(
                "notify.user.*", stream=NOTIFY_STREAM, ordered_consumer=True
            )
            recorded = await web.subscribe(RECORDED_SUBJECT)
            await web.flush()  # the server has its interest before the projector speaks (a race CI met once)
            await projector.publish("notify.user.u-2", b'{"match_id":"m2"}')
            await projector.publish(RECORDED_SUBJECT, b"[]")
            await projector.flush()
            notified = (await followed.next_msg(timeout=5)).data
            heard = (await recorded.next_msg(timeout=5)).data
            resumed = [m.data async for m in read_subject(web, "notify.user.u-2", start_seq=1, stream=NOTIFY_STREAM)]
            counts = AddressCounts(_Hub(web))
            assert await counts.acquire("203.0.113.9")
            await counts._put("203.0.113.9")
            total = await counts._shared_total("203.0.113.9")
            return notified, heard, resumed, total
        finally:
            for client in (projector, web):
                await client.close()

    notified, heard, resumed, total = asyncio.run(scenario())
    assert notified == b'{"match_id":"m2"}' and heard == b"[]"
    assert resumed == [b'{"match_id":"m2"}'], "a reconnect reads the user's notifications by direct get"
    assert total == 1, "the web role writes and reads the counts' bucket"
