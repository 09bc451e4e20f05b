import asyncio
import json

from django.core.management.base import BaseCommand, CommandError

from streaming.connection import connect
from streaming.events import InvalidEvent, InvalidRoomId, check_room_id, parse_timestamp
from streaming.replay import ReplayGone, ReplayNotFound, latest_started_at, read_replay
from streaming.world import NATS_UNAVAILABLE


class Command(BaseCommand):
    help = "Print one match's events, then its key moments, one JSON object a line, from JetStream."

    def add_arguments(self, parser) -> None:
        parser.add_argument("room_id")
        parser.add_argument(
            "--started-at", help="ISO-8601 start of the match (its game_start's started_at); default: the latest"
        )

    def handle(self, *args, room_id: str, started_at: str | None = None, **options) -> None:
        try:
            check_room_id(room_id)
            when = parse_timestamp(started_at, "--started-at") if started_at else None
        except (InvalidRoomId, InvalidEvent) as error:
            raise CommandError(str(error)) from error
        try:
            replay = asyncio.run(self._read(room_id, when))
        except (ReplayNotFound, ReplayGone) as error:
            raise CommandError(str(error)) from error
        except NATS_UNAVAILABLE as error:  # unreachable, or no stream leader on a cluster
            raise CommandError(f"cannot reach NATS ({error.__class__.__name__}); check NATS_URL") from error
        for item in [*replay.events, *replay.moments]:
            self.stdout.write(json.dumps(item, separators=(",", ":")))

    async def _read(self, room_id, when):
        client = await connect("replay", retry_forever=False)
        try:
            started_at = when or await latest_started_at(client, room_id)
            return await read_replay(client, room_id, started_at)
        finally:
            await client.close()
