"""GameRoom: the tick loop, event order, Msg-Ids, match times, and every event reaching the stream."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from contract.events import InvalidRoomId, event_msg_id, parse_timestamp, validate_event
from game.engine import MatchConfig
from game.room import BotRooms, GameRoom
from game.simulation import plan_match, simulate_match_events, simulated_started_at
from streaming.publisher import EventPublisher
from tests.streaming.test_publisher import stored_events

SHORT = MatchConfig(margin_ticks=0, margin_rate=0.05, max_ticks=3_000)


class Recorder:
    """A publisher that keeps what it is given."""

    def __init__(self) -> None:
        self.items: list[tuple[str, dict, str | None]] = []

    def publish(self, room_id: str, event: dict, *, msg_id: str | None = None) -> bool:
        self.items.append((room_id, event, msg_id))
        return True


def play(room: GameRoom, index: int = 0, seed: int = 1, players: int = 3, **options):
    plan = plan_match(room.room_id, index=index, seed=seed, players=players)
    return asyncio.run(room.play_match(plan.player_ids, plan.seed, bots=plan.bots(), **options))


@pytest.mark.parametrize("room_id", ["a.b", "*", ">", "room 1", "", "x" * 65, "game.>", None])
def test_a_bad_room_id_is_refused_before_anything_is_published(room_id):
    publisher = Recorder()
    with pytest.raises(InvalidRoomId, match="one subject token"):
        GameRoom(room_id, publisher)
    assert publisher.items == []


def check_spec_order(events: list[dict]) -> None:
    """docs/contract.md's order per player: piece_lock -> line_clear? -> garbage_sent... -> next piece_spawn."""
    assert events[0]["type"] == "game_start" and events[-1]["type"] == "game_end"
    assert [e["type"] for e in events].count("game_start") == 1
    assert [e["type"] for e in events].count("game_end") == 1
    ticks = [e["tick"] for e in events]
    assert ticks == sorted(ticks) and ticks[0] == 0
    phase: dict[str, str] = defaultdict(lambda: "none")  # none, falling, held, locked, cleared, sent, out
    for event in events[1:-1]:
        pid, kind = event["player_id"], event["type"]
        assert pid is not None, event
        state = phase[pid]
        if kind == "piece_spawn":
            assert state in ("none", "held", "locked", "cleared", "sent"), (state, event)
            phase[pid] = "falling"
        elif kind == "input":
            assert state == "falling", (state, event)
            if event["data"]["action"] == "hold" and event["data"]["ok"]:
                phase[pid] = "held"  # the held piece swaps out: a piece_spawn follows
        elif kind == "piece_lock":
            assert state == "falling", (state, event)
            phase[pid] = "locked"
        elif kind == "line_clear":
            assert state == "locked", (state, event)
            phase[pid] = "cleared"
        elif kind == "garbage_sent":
            assert state in ("locked", "cleared", "sent"), (state, event)
            phase[pid] = "sent"
        elif kind == "garbage_received":
            assert state in ("locked", "cleared", "sent"), (state, event)  # inserted at the player's lock
        elif kind == "elimination":
            phase[pid] = "out"
        else:
            raise AssertionError(f"unexpected event type {kind}")


def test_a_match_publishes_its_events_in_spec_order_with_numbered_msg_ids():
    publisher = Recorder()
    result = play(GameRoom("room-1", publisher), realtime=False)
    events = [event for _, event, _ in publisher.items]
    check_spec_order(events)
    assert {room for room, _, _ in publisher.items} == {"room-1"}
    started = events[0]["data"]["started_at"]
    assert started == events[-1]["data"]["started_at"] == result.started_at
    assert started.endswith("Z") and len(started) == len("2026-01-01T00:00:00.000Z")
    assert [msg_id for _, _, msg_id in publisher.items] == [
        event_msg_id("room-1", started, n) for n in range(len(events))
    ]
    assert result.events == result.accepted == len(events)
    assert len(result.tick_seconds) == result.ticks == events[-1]["tick"]
    for event in events:
        validate_event(event)


@pytest.mark.slow
def test_consecutive_matches_in_a_room_start_later_each_time():
    frozen = datetime(2026, 3, 1, 12, 0, 0, 123_456, tzinfo=UTC)
    room = GameRoom("room-1", Recorder(), config=SHORT, clock=lambda: frozen)
    first = play(room, index=0, players=2, realtime=False)
    second = play(room, index=1, players=2, realtime=False)
    assert first.started_at == "2026-03-01T12:00:00.123Z"
    assert second.started_at == "2026-03-01T12:00:00.124Z"  # the clock stood still: 1 ms later
    live = GameRoom("room-2", Recorder(), config=SHORT)
    starts = [play(live, index=n, players=2, realtime=False).started_at for n in range(3)]
    assert starts == sorted(set(starts))


def test_fast_matches_end_at_started_at_plus_their_ticks():
    result = play(GameRoom("room-1", Recorder(), config=SHORT, tick_rate=50.0), players=2, realtime=False)
    started = parse_timestamp(result.started_at, "started_at")
    ended = parse_timestamp(result.ended_at, "ended_at")
    assert ended - started == timedelta(milliseconds=round(result.ticks * 1000 / 50))
    assert max(p["duration_ms"] for p in result.players) == round(result.ticks * 1000 / 50)


@pytest.mark.slow
def test_the_room_plays_the_same_events_as_simulate_match_events():
    # One builder for both: a room in fast mode publishes exactly what the pure simulation returns.
    publisher = Recorder()
    room = GameRoom("room-5", publisher, config=SHORT, clock=lambda: simulated_started_at(2))
    plan = plan_match("room-5", index=2, seed=8, players=3)
    asyncio.run(room.play_match(plan.player_ids, plan.seed, bots=plan.bots(), realtime=False, tournament_id="t-1"))
    expected = simulate_match_events("room-5", index=2, seed=8, players=3, config=SHORT, tournament_id="t-1")
    assert [(event, msg_id) for _, event, msg_id in publisher.items] == expected


@pytest.mark.timed
def test_real_time_ticks_keep_to_the_tick_rate():
    config = MatchConfig(max_ticks=60)  # every match ends after 60 ticks: 0.3 s at 200 ticks a second
    room = GameRoom("room-1", Recorder(), config=config, tick_rate=200.0)
    began = time.monotonic()
    result = play(room, players=2, realtime=True)
    elapsed = time.monotonic() - began
    assert result.ticks == 60
    assert 0.29 <= elapsed < 0.6
    started = parse_timestamp(result.started_at, "started_at")
    assert parse_timestamp(result.ended_at, "ended_at") >= started + timedelta(milliseconds=290)


@pytest.mark.slow
def test_hurry_finishes_a_real_time_match_at_once_with_its_game_end():
    publisher = Recorder()
    room = GameRoom("room-1", publisher, config=MatchConfig(max_ticks=6_000))  # 100 s in real time

    async def main():
        task = asyncio.create_task(play_async(room))
        await asyncio.sleep(0.2)
        room.hurry()
        return await asyncio.wait_for(task, timeout=10)

    async def play_async(room):
        plan = plan_match("room-1", index=0, seed=1, players=2)
        return await room.play_match(plan.player_ids, plan.seed, bots=plan.bots(), realtime=True)

    result = asyncio.run(main())
    assert publisher.items[-1][1]["type"] == "game_end"
    assert result.ended_at >= result.started_at


def test_a_room_plays_one_match_at_a_time():
    room = GameRoom("room-1", Recorder(), config=SHORT)

    async def main():
        plan = plan_match("room-1", index=0, seed=1, players=2)
        first = asyncio.create_task(room.play_match(plan.player_ids, plan.seed, bots=plan.bots(), realtime=False))
        await asyncio.sleep(0)
        with pytest.raises(RuntimeError, match="already playing"):
            await room.play_match(plan.player_ids, plan.seed, bots=plan.bots(), realtime=False)
        await first

    asyncio.run(main())


def test_bot_rooms_play_their_matches_concurrently_and_stop_cleanly():
    publisher = Recorder()
    rooms = [GameRoom(f"room-{n}", publisher, config=SHORT) for n in range(3)]
    runner = BotRooms(rooms, matches=2, players=2, seed=3)
    results = asyncio.run(runner.run())
    assert sorted(r.room_id for r in results) == ["room-0", "room-0", "room-1", "room-1", "room-2", "room-2"]
    per_room = defaultdict(list)
    for room_id, event, _ in publisher.items:
        per_room[room_id].append(event)
    first_two = {room_id: [e["type"] for e in events][:2] for room_id, events in per_room.items()}
    assert all(types[0] == "game_start" for types in first_two.values())
    # Rooms take turns on the loop: the first room has not finished its matches before another starts.
    first_room_end = next(n for n, (room, e, _) in enumerate(publisher.items) if e["type"] == "game_end")
    assert {room for room, _, _ in publisher.items[:first_room_end]} == {"room-0", "room-1", "room-2"}

    stopped = BotRooms([GameRoom("room-9", Recorder(), config=SHORT)], matches=None, players=2, seed=3)
    stopped.stop()
    assert asyncio.run(stopped.run()) == []


@pytest.mark.slow
def test_every_event_of_a_match_arrives_in_the_stream(stream, test_servers):
    publisher = EventPublisher(servers=[test_servers.nats.url], ack_timeout=2.0)
    try:
        room = GameRoom("room-1", publisher, config=SHORT)
        results = [play(room, index=n, players=2, realtime=False) for n in range(2)]
        assert publisher.flush(timeout=20)
    finally:
        publisher.close(timeout=5)
    stored = stored_events()
    assert len(stored) == sum(r.events for r in results)
    assert publisher.stats.published == len(stored) and publisher.stats.dropped == 0
    msg_ids = [m.headers["Nats-Msg-Id"] for m in stored]
    expected = [event_msg_id("room-1", r.started_at, n) for r in results for n in range(r.events)]
    assert msg_ids == expected
    assert {m.subject for m in stored} == {"game.room-1.events"}
