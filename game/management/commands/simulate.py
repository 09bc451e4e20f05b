"""manage.py simulate: bot matches in GameRooms, published to GAME_EVENTS like a game server would."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import DatabaseError

from accounts.services import DEMO_USERNAMES, demo_users_get_or_create
from contract.events import InvalidRoomId, check_room_id
from game.room import MatchResult
from game.simulated_run import FLUSH_TIMEOUT_SECONDS, SimulatedRun, SimulationSetupError, simulated_run
from streaming.metrics_server import serve_metrics

logger = logging.getLogger("game.simulate")

MAX_PLAYERS = 16
# The demo of `dev.py up`: one room of bots at people's speeds publishes about 65 events a second
# (most of them inputs, a soft drop one a row), a few dozen; each further room as many again.
DEMO_ROOMS = 1


class Command(BaseCommand):
    help = (
        "Play simulated bot matches in GameRooms and publish their events. Guests and the registered demo "
        f"users {DEMO_USERNAMES[0]}..{DEMO_USERNAMES[-1]} (created when missing, with unusable passwords) take part."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--rooms", type=int, default=None, help="rooms playing at once (default 4; --demo: 1, a few dozen events/s)"
        )
        parser.add_argument(
            "--matches", type=int, default=5, help="matches per room, one after another (default 5; --demo plays on)"
        )
        parser.add_argument("--players", type=int, default=4, help=f"players per match, 2-{MAX_PLAYERS} (default 4)")
        parser.add_argument("--seed", default=None, help="seed of the whole run (default: random, printed)")
        parser.add_argument(
            "--speed",
            default=None,
            help="realtime (60 ticks a second) or fast (as fast as possible; the default)",
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="a gentle, endless stream of real-time matches, bots at people's speeds, until SIGTERM or SIGINT",
        )
        parser.add_argument(
            "--flush-timeout",
            type=float,
            default=FLUSH_TIMEOUT_SECONDS,
            help=f"seconds to wait at the end for every event to be stored (default {FLUSH_TIMEOUT_SECONDS:.0f})",
        )
        parser.add_argument("--tournament-id", default=None, help="tournament_id of every match")
        parser.add_argument(
            "--room-prefix", default=None, help="room ids are PREFIX-1, PREFIX-2, ... (default sim-room, demo-room)"
        )
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=0,
            help="serve the publisher's metrics at http://METRICS_ADDRESS:PORT/metrics (default 0: off)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        serve_metrics("--metrics-port", port=options["metrics_port"])  # its publisher's (docs/operations.md)
        demo = bool(options["demo"])
        rooms = _positive(options["rooms"] if options["rooms"] is not None else (DEMO_ROOMS if demo else 4), "--rooms")
        matches = _positive(options["matches"], "--matches")
        players = _positive(options["players"], "--players")
        if not 2 <= players <= MAX_PLAYERS:
            raise CommandError(f"--players must be between 2 and {MAX_PLAYERS}, got {players}")
        seed = _seed(options["seed"])
        speed = options["speed"] or ("realtime" if demo else "fast")
        if speed not in ("realtime", "fast"):
            raise CommandError(f"--speed must be realtime or fast, got {speed!r}")
        if demo and speed != "realtime":
            raise CommandError("--demo always plays in real time; leave out --speed")
        tournament_id = options["tournament_id"]
        if tournament_id is not None and not 1 <= len(tournament_id) <= 128:
            raise CommandError("--tournament-id must be 1-128 characters")
        flush_timeout = options["flush_timeout"]
        if not flush_timeout >= 0:
            raise CommandError(f"--flush-timeout must be a number of seconds of at least 0, got {flush_timeout!r}")
        prefix = options["room_prefix"] or ("demo-room" if demo else "sim-room")
        room_ids = [f"{prefix}-{n}" for n in range(1, rooms + 1)]
        try:
            for room_id in room_ids:
                check_room_id(room_id)
        except InvalidRoomId as error:
            raise CommandError(f"--room-prefix {prefix!r} gives a bad room id: {error}") from None

        registered = _demo_user_ids()
        progress = None if demo else Progress(self.stderr, total=rooms * matches)
        try:
            run = simulated_run(
                room_ids=room_ids,
                matches=None if demo else matches,
                players=players,
                seed=seed,
                registered=registered,
                realtime=speed == "realtime",
                demo=demo,
                tournament_id=tournament_id,
                on_result=_log_match if progress is None else _logging_too(progress.update),
                flush_timeout=flush_timeout,
            )
        except SimulationSetupError as error:
            raise CommandError(str(error)) from None
        finally:
            if progress is not None:
                progress.close()
        self._summary(run, seed=seed)
        if run.unstored:
            matches = "\n".join(
                f"  room {room} started_at {started or '(unknown)'}" for room, started in run.unstored.matches
            )
            raise CommandError(
                f"{run.unstored.events:,} events were not stored in GAME_EVENTS within {flush_timeout:g} s of the "
                f"end of play: is NATS at {', '.join(run.servers)} up? These {len(run.unstored.matches)} matches are "
                f"incomplete in the stream:\n{matches}"
            )

    def _summary(self, run: SimulatedRun, *, seed: int) -> None:
        events = sum(r.events for r in run.results)
        rate = events / run.elapsed if run.elapsed > 0 else 0.0
        self.stdout.write(
            f"simulated {len(run.results)} matches in {run.rooms} rooms ({run.players} players each, "
            f"seed {seed}): {events:,} events in {run.elapsed:.1f} s, {rate:,.0f} events/s"
        )
        if not run.publisher_enabled:
            self.stdout.write("publisher: disabled (NATS_ENABLED=false), nothing was published")
            return
        stats = run.stats
        self.stdout.write(
            f"publisher: published {stats.published:,}, dropped {stats.dropped:,}, not stored {stats.buffered:,}"
        )


class Progress:
    """A bar redrawn in place on a terminal; elsewhere (logs, CI) a line every tenth of the run."""

    WIDTH = 30

    def __init__(self, out: OutputWrapper, *, total: int) -> None:
        self.out = out
        self.total = total
        self.done = 0
        self.events = 0
        self.tty = out.isatty()
        self.every = max(1, total // 10)

    def update(self, result: MatchResult) -> None:
        self.done += 1
        self.events += result.events
        if self.tty:
            filled = self.WIDTH * self.done // max(self.total, 1)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            self.out.write(f"\r[{bar}] {self.done}/{self.total} matches, {self.events:,} events", ending="")
            self.out.flush()
        elif self.done % self.every == 0 or self.done == self.total:
            self.out.write(f"{self.done}/{self.total} matches, {self.events:,} events")

    def close(self) -> None:
        if self.tty and self.done:
            self.out.write("")


def _logging_too(update: Callable[[MatchResult], None]) -> Callable[[MatchResult], None]:
    """The progress bar, and a log line a match: the run's own list of what it played (a failover test reads it)."""

    def on_result(result: MatchResult) -> None:
        update(result)
        _log_match(result)

    return on_result


def _log_match(result: MatchResult) -> None:
    logger.info(
        "match played room_id=%s started_at=%s events=%d ticks=%d winner=%s",
        result.room_id,
        result.started_at,
        result.events,
        result.ticks,
        result.winner,
    )


def _positive(value: object, name: str) -> int:
    if type(value) is not int or value < 1:
        raise CommandError(f"{name} must be a whole number of at least 1, got {value!r}")
    return value


def _seed(value: object) -> int:
    if value is None:
        return random.SystemRandom().randrange(2**31)
    try:
        seed = int(str(value), 10)
    except ValueError:
        raise CommandError(f"--seed must be a whole number, got {value!r}") from None
    if seed < 0:
        raise CommandError(f"--seed must not be negative, got {seed}")
    return seed


def _demo_user_ids() -> list[str]:
    """The user ids (player ids) of the demo users, creating any that are missing."""
    try:
        return [str(user.pk) for user in demo_users_get_or_create()]
    except DatabaseError as error:
        raise CommandError(
            f"cannot read or create the demo users in PostgreSQL ({error.__class__.__name__}: {error}); "
            "check DATABASE_URL and run manage.py migrate"
        ) from None
