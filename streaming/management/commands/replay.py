import asyncio
import json

from django.core.management.base import BaseCommand, CommandError

from streaming.connection import connect
from streaming.events import InvalidEvent, InvalidRoomId, check_room_id, parse_timestamp
from streaming.replay import (
    ReplayGone,
    ReplayNotFound,
    in_progress_started_at,
    latest_finished_started_at,
    read_replay,
)


class Command(BaseCommand):
    help = "Print one match's events, then its key moments, one JSON object a line, from JetStream."

    def add_arguments(self, parser) -> None:
        parser.add_argument("room_id")
        parser.add_argument(
            "--started-at",
            help="ISO-8601 start of the match (its game_start's started_at); default: the latest finished match",
        )
        parser.add_argument("--in-progress", action="store_true", help="the match the room is playing now")

    def handle(self, *args, room_id: str, started_at: str | None = None, in_progress: bool = False, **options) -> None:
        if started_at and in_progress:
            raise CommandError("--started-at names a match; --in-progress asks for the one being played: give one")
        try:
            check_room_id(room_id)
            when = parse_timestamp(started_at, "--started-at") if started_at else None
        except (InvalidRoomId, InvalidEvent) as error:
            raise CommandError(str(error)) from error
        try:
            replay = asyncio.run(self._read(room_id, when, in_progress))
        except (ReplayNotFound, ReplayGone) as error:
            raise CommandError(str(error)) from error
        except (OSError, TimeoutError) as error:
            raise CommandError(f"cannot reach NATS ({error.__class__.__name__}); check NATS_URL") from error
        for item in [*replay.events, *replay.moments]:
            self.stdout.write(json.dumps(item, separators=(",", ":")))

    async def _read(self, room_id, when, in_progress):
        client = await connect("replay", retry_forever=False)
        try:
            if when is not None:
                started_at = when
            elif in_progress:
                started_at = await in_progress_started_at(client, room_id)
                self.stderr.write(f"room {room_id}: the match in progress, started at {started_at.isoformat()}")
            else:
                started_at = await latest_finished_started_at(client, room_id)
                self.stderr.write(f"room {room_id}: the latest finished match, started at {started_at.isoformat()}")
            return await read_replay(client, room_id, started_at)
        finally:
            await client.close()
