import json

from django.core.management.base import BaseCommand, CommandError

from archive.reads import archived_for_command
from history.management.matches import LATEST_FINISHED_HELP, match_arguments, run_on_stream
from history.replay import in_progress_started_at, latest_finished_started_at, read_replay
from streaming.connection import connect


class Command(BaseCommand):
    help = "Print one match's events, then its key moments, one JSON object a line, from JetStream."

    def add_arguments(self, parser) -> None:
        parser.add_argument("room_id")
        parser.add_argument("--started-at", help=LATEST_FINISHED_HELP)
        parser.add_argument("--in-progress", action="store_true", help="the match the room is playing now")

    def handle(self, *args, room_id: str, started_at: str | None = None, in_progress: bool = False, **options) -> None:
        if started_at and in_progress:
            raise CommandError("--started-at names a match; --in-progress asks for the one being played: give one")
        when = match_arguments(room_id, started_at)
        try:
            replay = run_on_stream(self._read(room_id, when, in_progress))
            items = [*replay.events, *replay.moments]
        except CommandError:
            # Past the stream's retention (or with NATS away), the archive's copy (docs/operations.md).
            document = None if in_progress else archived_for_command(room_id, when)
            if document is None:
                raise
            self.stderr.write(f"room {room_id}: the match started at {document['started_at']}, from the archive")
            items = [*document["events"], *document["moments"]]
        for item in items:
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
